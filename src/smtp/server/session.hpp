// One SMTP connection (DESIGN.md §2, smtp::Session): the ESMTP conversation of RFC 5321 with
// PIPELINING (RFC 2920), SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8, STARTTLS (RFC 3207),
// AUTH PLAIN and LOGIN (RFC 4954) and Postfix's XFORWARD, run as one coroutine. Each complete
// transaction goes to the Handler, whose reply the client gets.
//
// The session runs on one strand (the socket's executor); nothing in it is thread-safe.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/server/command.hpp"
#include "smtp/server/connection.hpp"
#include "smtp/server/data_reader.hpp"
#include "smtp/server/handler.hpp"
#include "smtp/server/replies.hpp"
#include "smtp/server/settings.hpp"

namespace sealpost::smtp::server {

class Session {
public:
    Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<const ListenerSettings> settings,
            Handler& handler);

    // The whole conversation, greeting to close. Never throws: an unexpected failure is
    // logged and, while the connection still works, answered with a 421.
    boost::asio::awaitable<void> run();

    // For server shutdown: a session waiting for a command gets 421 4.3.2 and closes; one
    // that is reading message data or waiting for the handler finishes that message first.
    void request_drain();

    const std::string& id() const { return id_; }
    const std::string& client_address() const { return client_.address; }
    boost::asio::any_io_executor executor() const { return executor_; }

private:
    // What a read is for: only a session waiting for a command may be cut short by a drain.
    enum class Wait { Command, Data };

    struct Verb {
        std::string_view name;
        boost::asio::awaitable<void> (Session::*handle)(std::string_view argument);
        bool mail_command;  // MAIL, RCPT, DATA: not counted against max_non_mail_commands
    };

    // XFORWARD attributes (RFC-less, Postfix XFORWARD_README) for the next transaction.
    struct Forwarded {
        std::optional<std::string> address;
        std::optional<std::string> name;
        std::optional<std::string> helo;
    };

    struct OpenTransaction {
        std::string queue_id;
        MailFrom mail;
        std::vector<std::string> recipients;
    };

    // session.cpp: the conversation loop and its I/O.
    boost::asio::awaitable<void> converse();
    boost::asio::awaitable<void> dispatch(std::string_view line);
    static const Verb* find_verb(std::string_view name);
    boost::asio::awaitable<std::optional<std::string>> read_line(std::size_t max_length);
    boost::asio::awaitable<void> receive(Wait wait);
    boost::asio::awaitable<void> flush();
    boost::asio::awaitable<void> say_farewell(Reply reply);
    std::optional<Reply> farewell_after(const boost::system::error_code& code);
    std::optional<Reply> farewell_after_bug(std::string_view what);
    void reply(const Reply& reply, bool counts_as_error = true);
    void reply(Outcome outcome, std::string_view detail = {});
    void close_with(Outcome outcome, std::string reason);
    void log_disconnect() const;

    // session_commands.cpp: RFC 5321 commands.
    boost::asio::awaitable<void> on_ehlo(std::string_view argument);
    boost::asio::awaitable<void> on_helo(std::string_view argument);
    boost::asio::awaitable<void> on_mail(std::string_view argument);
    boost::asio::awaitable<void> on_rcpt(std::string_view argument);
    boost::asio::awaitable<void> on_data(std::string_view argument);
    boost::asio::awaitable<void> on_rset(std::string_view argument);
    boost::asio::awaitable<void> on_noop(std::string_view argument);
    boost::asio::awaitable<void> on_quit(std::string_view argument);
    boost::asio::awaitable<void> on_help(std::string_view argument);
    boost::asio::awaitable<void> on_vrfy(std::string_view argument);
    boost::asio::awaitable<void> on_not_implemented(std::string_view argument);
    bool accept_helo(std::string_view argument, std::string_view verb);
    std::string ehlo_keywords() const;
    boost::asio::awaitable<void> finish_message(DataReader& reader);
    boost::asio::awaitable<Reply> deliver(Transaction transaction);
    void end_transaction();

    // session_extensions.cpp: STARTTLS, AUTH, XFORWARD.
    boost::asio::awaitable<void> on_starttls(std::string_view argument);
    boost::asio::awaitable<void> on_auth(std::string_view argument);
    boost::asio::awaitable<void> on_xforward(std::string_view argument);
    bool tls_offered() const;
    bool auth_allowed() const;
    boost::asio::awaitable<std::optional<std::string>> auth_response(std::string_view challenge);
    boost::asio::awaitable<void> auth_plain(std::optional<std::string_view> initial);
    boost::asio::awaitable<void> auth_login(std::optional<std::string_view> initial);
    boost::asio::awaitable<void> check_credentials(std::string user, Secret password);
    void fail_auth(std::string_view user);
    static std::optional<std::string> apply_xforward(Forwarded& into, std::string_view attribute,
                                                     std::string value);
    ClientInfo transaction_client() const;

    boost::asio::any_io_executor executor_;
    std::shared_ptr<Connection> connection_;
    std::shared_ptr<const ListenerSettings> settings_;
    const SessionLimits& limits_;
    Handler& handler_;
    std::string id_;
    ClientInfo client_;
    bool greeted_ = false;  // EHLO or HELO seen (since the start or STARTTLS)
    std::optional<Forwarded> forwarded_;
    std::optional<OpenTransaction> transaction_;
    std::string input_;   // received, not yet parsed
    std::string output_;  // replies not yet sent (RFC 2920: sent when input runs dry)
    bool waiting_for_command_ = false;
    bool draining_ = false;
    bool closing_ = false;
    std::string close_reason_ = "client closed";
    std::string_view verb_;  // the command being handled, for log lines
    std::size_t commands_ = 0;
    std::size_t non_mail_commands_ = 0;
    std::size_t errors_ = 0;
    std::size_t auth_failures_ = 0;
    std::size_t messages_ = 0;
    std::size_t recipients_ = 0;
};

}  // namespace sealpost::smtp::server
