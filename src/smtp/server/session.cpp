// The session's conversation loop and its I/O (see session.hpp): read a command line,
// dispatch it to its verb, queue the reply, and send queued replies whenever the input runs
// dry (RFC 2920 §3.2), so a pipelining client gets all its replies in one write.
#include "smtp/server/session.hpp"

#include <array>
#include <boost/asio/error.hpp>

#include "common/log.hpp"
#include "smtp/server/queue_id.hpp"

namespace sealpost::smtp::server {

namespace asio = boost::asio;

namespace {

constexpr std::size_t read_chunk = 16 * 1024;
// Replies queued past this are sent at once, even while pipelined input remains.
constexpr std::size_t max_queued_output = 16 * 1024;
// The 421 after a timeout or on shutdown is a courtesy: it may wait this long at most.
constexpr std::chrono::milliseconds farewell_timeout = std::chrono::seconds(5);

bool client_went_away(const boost::system::error_code& code) {
    return code == asio::error::eof || code == asio::error::connection_reset ||
           code == asio::error::broken_pipe || code == asio::ssl::error::stream_truncated;
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, std::shared_ptr<const ListenerSettings> settings,
                 Handler& handler)
    : executor_(socket.get_executor()),
      connection_(std::make_shared<Connection>(std::move(socket))),
      settings_(std::move(settings)),
      limits_(settings_->limits),
      handler_(handler),
      id_(make_queue_id()) {
    client_.address = connection_->remote_address();
    // LIMITATION: no reverse DNS lookup of the client yet; its name is "[UNAVAILABLE]" unless
    // a trusted front MTA passes it with XFORWARD NAME.
    client_.name = "[UNAVAILABLE]";
}

asio::awaitable<void> Session::run() {
    log::info("smtp", "connect",
              {{"session", id_}, {"client", client_.address}, {"listener", settings_->address}});
    std::optional<Reply> farewell;
    // The one boundary where whatever went wrong in this session is caught (STYLE.md).
    try {
        co_await converse();
    } catch (const boost::system::system_error& failure) {
        farewell = farewell_after(failure.code());
    } catch (const std::exception& failure) {
        farewell = farewell_after_bug(failure.what());
    } catch (...) {
        farewell = farewell_after_bug("unknown exception");
    }
    if (farewell && connection_->can_write()) {
        co_await say_farewell(*farewell);
    }
    connection_->close();
    log_disconnect();
}

// What to tell the client after a failed read or write: 421 after a timeout or on shutdown,
// nothing when the connection is gone.
std::optional<Reply> Session::farewell_after(const boost::system::error_code& code) {
    if (code == asio::error::timed_out) {
        close_reason_ = "timeout";
        return reply_for(Outcome::Timeout, settings_->hostname);
    }
    if (code == asio::error::operation_aborted && draining_) {
        close_reason_ = "shutdown";
        return reply_for(Outcome::ShuttingDown, settings_->hostname);
    }
    if (!client_went_away(code)) {
        close_reason_ = "network error: " + code.message();
    }
    return std::nullopt;
}

std::optional<Reply> Session::farewell_after_bug(std::string_view what) {
    log::error("smtp", "session-failed", {{"session", id_}, {"error", what}});
    close_reason_ = "internal error";
    return reply_for(Outcome::InternalError, settings_->hostname);
}

void Session::request_drain() {
    draining_ = true;
    if (waiting_for_command_) {
        connection_->cancel();
    }
}

asio::awaitable<void> Session::converse() {
    reply(Outcome::Greeting, settings_->hostname);
    while (!closing_) {
        std::optional<std::string> line = co_await read_line(limits_.max_command_line);
        ++commands_;
        if (!line) {
            verb_ = "?";
            reply(Outcome::CommandLineTooLong);
        } else {
            co_await dispatch(*line);
        }
        if (!closing_ && errors_ >= limits_.max_errors) {
            close_with(Outcome::TooManyErrors, "too many errors");
        }
        if (output_.size() > max_queued_output) {
            co_await flush();
        }
    }
    co_await flush();
}

asio::awaitable<void> Session::dispatch(std::string_view line) {
    Parsed<CommandLine> parsed = parse_command(line);
    if (const Reply* problem = std::get_if<Reply>(&parsed)) {
        verb_ = "?";
        reply(*problem);
        co_return;
    }
    const CommandLine& command = std::get<CommandLine>(parsed);
    const Verb* verb = find_verb(command.verb);
    verb_ = verb != nullptr ? verb->name : std::string_view("?");
    if (verb == nullptr || !verb->mail_command) {
        if (++non_mail_commands_ > limits_.max_non_mail_commands) {
            close_with(Outcome::TooManyCommands, "too many commands without mail");
            co_return;
        }
    }
    if (verb == nullptr) {
        reply(Outcome::UnknownCommand);
        co_return;
    }
    co_await (this->*(verb->handle))(command.argument);
}

const Session::Verb* Session::find_verb(std::string_view name) {
    static const Verb verbs[] = {
        {"EHLO", &Session::on_ehlo, false},
        {"HELO", &Session::on_helo, false},
        {"MAIL", &Session::on_mail, true},
        {"RCPT", &Session::on_rcpt, true},
        {"DATA", &Session::on_data, true},
        {"RSET", &Session::on_rset, false},
        {"NOOP", &Session::on_noop, false},
        {"QUIT", &Session::on_quit, false},
        {"HELP", &Session::on_help, false},
        {"VRFY", &Session::on_vrfy, false},
        {"EXPN", &Session::on_not_implemented, false},
        {"STARTTLS", &Session::on_starttls, false},
        {"AUTH", &Session::on_auth, false},
        {"XFORWARD", &Session::on_xforward, false},
    };
    for (const Verb& verb : verbs) {
        if (verb.name == name) {
            return &verb;
        }
    }
    return nullptr;
}

// One line without its line ending (CRLF, or a bare LF: tolerated for commands, where it
// cannot smuggle anything). nullopt when the line is longer than `max_length` with its line
// ending; such a line is read to its end and dropped.
asio::awaitable<std::optional<std::string>> Session::read_line(std::size_t max_length) {
    bool too_long = false;
    for (;;) {
        std::size_t end = input_.find('\n');
        if (end != std::string::npos) {
            std::optional<std::string> line;
            if (!too_long && end + 1 <= max_length) {
                line = input_.substr(0, end > 0 && input_[end - 1] == '\r' ? end - 1 : end);
            }
            input_.erase(0, end + 1);
            co_return line;
        }
        if (input_.size() >= max_length) {
            too_long = true;
            input_.clear();
        }
        co_await receive(Wait::Command);
    }
}

// Sends what is queued, then waits for more input. A drain ends a wait for a command.
asio::awaitable<void> Session::receive(Wait wait) {
    co_await flush();
    if (wait == Wait::Command && draining_) {
        throw boost::system::system_error(asio::error::operation_aborted);
    }
    std::array<char, read_chunk> buffer;
    auto timeout = wait == Wait::Command ? limits_.command_timeout : limits_.data_timeout;
    waiting_for_command_ = wait == Wait::Command;
    std::size_t size = 0;
    try {
        size = co_await connection_->read_some(buffer, timeout);
    } catch (...) {
        waiting_for_command_ = false;
        throw;
    }
    waiting_for_command_ = false;
    input_.append(buffer.data(), size);
}

asio::awaitable<void> Session::flush() {
    if (output_.empty()) {
        co_return;
    }
    std::string sending = std::move(output_);
    output_.clear();
    co_await connection_->write_all(sending, limits_.command_timeout);
}

asio::awaitable<void> Session::say_farewell(Reply farewell) {
    output_ += format_reply(farewell);
    try {
        co_await connection_->write_all(output_,
                                        std::min(limits_.command_timeout, farewell_timeout));
    } catch (const boost::system::system_error& failure) {
        log::debug("smtp", "farewell-not-sent",
                   {{"session", id_}, {"client", client_.address}, {"error", failure.what()}});
    }
    output_.clear();
}

void Session::reply(const Reply& reply, bool counts_as_error) {
    output_ += format_reply(reply);
    if (!reply.permanent() && !reply.temporary()) {
        return;
    }
    if (!counts_as_error) {
        return;  // the handler's verdict on a message: the "message" log line has it
    }
    if (reply.code != 421) {
        ++errors_;
    }
    if (transaction_) {
        log::info("smtp", "reject",
                  {{"queue_id", transaction_->queue_id},
                   {"session", id_},
                   {"client", client_.address},
                   {"command", verb_},
                   {"code", reply.code},
                   {"text", reply.text}});
    } else {
        log::info("smtp", "reject",
                  {{"session", id_},
                   {"client", client_.address},
                   {"command", verb_},
                   {"code", reply.code},
                   {"text", reply.text}});
    }
}

void Session::reply(Outcome outcome, std::string_view detail) {
    reply(reply_for(outcome, detail));
}

// A 421 that ends the session once the queued replies are sent.
void Session::close_with(Outcome outcome, std::string reason) {
    reply(outcome, settings_->hostname);
    closing_ = true;
    close_reason_ = std::move(reason);
}

void Session::log_disconnect() const {
    log::info("smtp", "disconnect",
              {{"session", id_},
               {"client", client_.address},
               {"listener", settings_->address},
               {"reason", close_reason_},
               {"commands", commands_},
               {"messages", messages_},
               {"recipients", recipients_},
               {"errors", errors_},
               {"auth_failures", auth_failures_}});
}

}  // namespace sealpost::smtp::server
