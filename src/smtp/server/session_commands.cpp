// The RFC 5321 commands of a session (see session.hpp). Each verb checks syntax and state,
// then acts and queues its reply.
#include "smtp/server/session.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>

#include "common/log.hpp"
#include "smtp/server/data_reader.hpp"
#include "smtp/server/path.hpp"
#include "smtp/server/queue_id.hpp"

namespace sealpost::smtp::server {

namespace asio = boost::asio;

namespace {

Outcome outcome_for(DataReader::Problem problem) {
    switch (problem) {
        case DataReader::Problem::BareLineEnding:
            return Outcome::BareLineEnding;
        case DataReader::Problem::LineTooLong:
            return Outcome::DataLineTooLong;
        case DataReader::Problem::MessageTooBig:
            return Outcome::MessageTooBig;
        case DataReader::Problem::None:
            break;
    }
    return Outcome::Ok;
}

// A reply the handler may give to the end of DATA: 2xx, 4xx or 5xx.
bool is_final_reply(const Reply& reply) {
    return reply.code >= 200 && reply.code <= 599 && reply.code / 100 != 3;
}

}  // namespace

asio::awaitable<void> Session::on_ehlo(std::string_view argument) {
    if (accept_helo(argument, "EHLO")) {
        reply(Reply{250, "", ehlo_keywords()});
    }
    co_return;
}

asio::awaitable<void> Session::on_helo(std::string_view argument) {
    if (accept_helo(argument, "HELO")) {
        reply(Reply{250, "", settings_->hostname});
    }
    co_return;
}

// RFC 5321 §4.1.4: EHLO and HELO also reset any transaction. The name they give goes into
// Received headers later, so it must be plain ASCII (control characters never get this far).
bool Session::accept_helo(std::string_view argument, std::string_view verb) {
    if (argument.empty()) {
        reply(Outcome::SyntaxError, std::string(verb) + " needs a domain or address literal");
        return false;
    }
    bool ascii = std::all_of(argument.begin(), argument.end(),
                             [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (argument.size() > max_domain_length || !ascii) {
        reply(Outcome::SyntaxError, "malformed " + std::string(verb) + " argument");
        return false;
    }
    end_transaction();
    greeted_ = true;
    client_.helo = std::string(argument);
    return true;
}

std::string Session::ehlo_keywords() const {
    std::string text = settings_->hostname;
    text += "\nPIPELINING\nSIZE " + std::to_string(limits_.max_message_size);
    text += "\n8BITMIME\nENHANCEDSTATUSCODES\nSMTPUTF8";
    if (tls_offered()) {
        text += "\nSTARTTLS";
    }
    if (auth_allowed()) {
        text += "\nAUTH PLAIN LOGIN";
    }
    if (settings_->trust_xforward) {
        text += "\nXFORWARD NAME ADDR PROTO HELO SOURCE";
    }
    return text;
}

asio::awaitable<void> Session::on_mail(std::string_view argument) {
    if (!greeted_) {
        reply(Outcome::NeedHelo);
        co_return;
    }
    if (transaction_) {
        reply(Outcome::NestedMail);
        co_return;
    }
    if (settings_->require_auth && client_.authenticated_user.empty()) {
        reply(Outcome::AuthRequired);
        co_return;
    }
    Parsed<MailFrom> parsed = parse_mail_from(argument);
    if (const Reply* problem = std::get_if<Reply>(&parsed)) {
        reply(*problem);
        co_return;
    }
    MailFrom& mail = std::get<MailFrom>(parsed);
    if (mail.declared_size && *mail.declared_size > limits_.max_message_size) {
        reply(Outcome::MessageTooBig);
        co_return;
    }
    transaction_ = OpenTransaction{make_queue_id(), std::move(mail), {}};
    reply(Outcome::SenderOk);
    log::info("smtp", "mail",
              {{"queue_id", transaction_->queue_id},
               {"session", id_},
               {"client", transaction_client().address},
               {"listener", settings_->address},
               {"sender", transaction_->mail.sender},
               {"user", client_.authenticated_user}});
}

asio::awaitable<void> Session::on_rcpt(std::string_view argument) {
    if (!transaction_) {
        reply(Outcome::NeedMail);
        co_return;
    }
    Parsed<RcptTo> parsed = parse_rcpt_to(argument, transaction_->mail.smtputf8);
    if (const Reply* problem = std::get_if<Reply>(&parsed)) {
        reply(*problem);
        co_return;
    }
    if (transaction_->recipients.size() >= limits_.max_recipients) {
        reply(Outcome::TooManyRecipients);
        co_return;
    }
    std::string& recipient = std::get<RcptTo>(parsed).recipient;
    if (auto refusal =
            co_await handler_.check_recipient(transaction_->queue_id, recipient, settings_->role)) {
        reply(*refusal);  // logged there, as every refusal is
        co_return;
    }
    transaction_->recipients.push_back(std::move(recipient));
    ++recipients_;
    reply(Outcome::RecipientOk);
    log::info("smtp", "rcpt",
              {{"queue_id", transaction_->queue_id},
               {"session", id_},
               {"client", transaction_client().address},
               {"listener", settings_->address},
               {"recipient", transaction_->recipients.back()}});
}

asio::awaitable<void> Session::on_data(std::string_view argument) {
    if (!argument.empty()) {
        reply(Outcome::SyntaxError, "DATA takes no argument");
        co_return;
    }
    if (!transaction_) {
        reply(Outcome::NeedMail);
        co_return;
    }
    if (transaction_->recipients.empty()) {
        reply(Outcome::NeedRcpt);
        co_return;
    }
    reply(Outcome::StartData);
    // LIMITATION: the message is held in memory (up to max_message_size), because
    // Transaction::data is a string; large messages are not yet spooled to a file.
    DataReader reader({limits_.max_data_line, limits_.max_message_size});
    input_.erase(0, reader.feed(input_));
    while (!reader.finished()) {
        co_await receive(Wait::Data);
        input_.erase(0, reader.feed(input_));
    }
    co_await finish_message(reader);
}

// The end of DATA: a message with a problem is refused here; a good one goes to the handler,
// whose reply the client gets as it is.
asio::awaitable<void> Session::finish_message(DataReader& reader) {
    Reply answer;
    if (reader.problem() != DataReader::Problem::None) {
        answer = reply_for(outcome_for(reader.problem()));
        reply(answer);
    } else {
        Transaction transaction{transaction_->queue_id,    settings_->address,
                                settings_->role,           transaction_client(),
                                transaction_->mail.sender, transaction_->recipients,
                                reader.take_message()};
        co_await flush();  // the client hears about its RCPTs while the handler works
        answer = co_await deliver(std::move(transaction));
        reply(answer, false);
        if (answer.positive()) {
            ++messages_;
            non_mail_commands_ = 0;
        }
    }
    log::info("smtp", "message",
              {{"queue_id", transaction_->queue_id},
               {"session", id_},
               {"client", transaction_client().address},
               {"listener", settings_->address},
               {"size", reader.message_size()},
               {"recipients", transaction_->recipients.size()},
               {"code", answer.code},
               {"enhanced", answer.enhanced}});
    end_transaction();
}

// Handler::deliver must not throw; if it does anyway, or gives a reply that cannot end DATA,
// the client gets a 4xx and keeps the message.
asio::awaitable<Reply> Session::deliver(Transaction transaction) {
    std::string queue_id = transaction.queue_id;
    try {
        Reply answer = co_await handler_.deliver(std::move(transaction));
        if (is_final_reply(answer)) {
            co_return answer;
        }
        log::error("smtp", "handler-bad-reply", {{"queue_id", queue_id}, {"code", answer.code}});
    } catch (const std::exception& failure) {
        log::error("smtp", "handler-failed", {{"queue_id", queue_id}, {"error", failure.what()}});
    }
    co_return reply_for(Outcome::DeliveryFailed);
}

void Session::end_transaction() {
    transaction_.reset();
    forwarded_.reset();
}

asio::awaitable<void> Session::on_rset(std::string_view argument) {
    if (!argument.empty()) {
        reply(Outcome::SyntaxError, "RSET takes no argument");
        co_return;
    }
    end_transaction();
    reply(Outcome::Ok);
}

asio::awaitable<void> Session::on_noop(std::string_view) {
    reply(Outcome::Ok);
    co_return;
}

asio::awaitable<void> Session::on_quit(std::string_view) {
    reply(Outcome::Closing, settings_->hostname);
    closing_ = true;
    close_reason_ = "quit";
    co_return;
}

asio::awaitable<void> Session::on_help(std::string_view) {
    reply(Outcome::Help);
    co_return;
}

// RFC 5321 §3.5.3: 252 when the server will not verify but will take mail for the address.
asio::awaitable<void> Session::on_vrfy(std::string_view argument) {
    if (argument.empty()) {
        reply(Outcome::SyntaxError, "VRFY needs an address");
    } else {
        reply(Outcome::CannotVerify);
    }
    co_return;
}

asio::awaitable<void> Session::on_not_implemented(std::string_view) {
    reply(Outcome::NotImplemented);
    co_return;
}

}  // namespace sealpost::smtp::server
