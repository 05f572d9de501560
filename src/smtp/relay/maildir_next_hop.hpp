// The Maildir next hop: each recipient's copy written under a root folder on this machine,
// ROOT/<domain>/<local part>/{tmp,new,cur}.
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio/any_io_executor.hpp>

#include "smtp/relay/hop_uri.hpp"
#include "smtp/relay/next_hop.hpp"

namespace sealpost::smtp {

// LIMITATION: files are written as the user Sealpost runs as, with mode 0600 in folders of
// mode 0700; a mail store that reads them as another user needs that user to run Sealpost
// or a shared group set up by hand. No quota is checked.
class MaildirNextHop : public NextHop {
public:
    // The file work runs on `blocking`; deliver() resumes on the awaiting coroutine's executor.
    MaildirNextHop(HopUri uri, boost::asio::any_io_executor blocking);

    boost::asio::awaitable<std::vector<RecipientOutcome>> deliver(
        const OutgoingMessage& message) override;
    std::string describe() const override { return uri_.describe(); }
    bool delivers_locally() const override { return true; }

private:
    HopUri uri_;
    boost::asio::any_io_executor blocking_;
};

}  // namespace sealpost::smtp
