#include "smtp/relay/next_hop.hpp"

#include "smtp/relay/hop_uri.hpp"
#include "smtp/relay/maildir_next_hop.hpp"
#include "smtp/relay/smtp_next_hop.hpp"

namespace sealpost::smtp {

std::unique_ptr<NextHop> make_next_hop(std::string_view uri, boost::asio::any_io_executor io,
                                       boost::asio::any_io_executor blocking,
                                       NextHopOptions options) {
    auto parsed = parse_hop_uri(uri);
    if (parsed.protocol == HopProtocol::Maildir) {
        return std::make_unique<MaildirNextHop>(std::move(parsed), std::move(blocking));
    }
    return std::make_unique<SmtpNextHop>(std::move(parsed), std::move(io), std::move(options));
}

}  // namespace sealpost::smtp
