#include "smtp/relay/transaction.hpp"

#include <cstddef>
#include <string>

#include "common/log.hpp"
#include "smtp/relay/hop_failure.hpp"
#include "smtp/relay/outcomes.hpp"
#include "smtp/relay/wire_format.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;

namespace {

// RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF.
constexpr std::size_t max_command_length = 510;
// Postfix's own bound on an XFORWARD value; names and HELO arguments fit in it.
constexpr std::size_t max_xforward_value = 255;
// The message goes out in pieces so each write has its own deadline, as RFC 5321
// §4.5.3.2.5 times each data block rather than the whole message.
constexpr std::size_t data_chunk = 64 * 1024;

struct Transaction {
    ClientSession& session;
    const OutgoingMessage& message;
    std::vector<RecipientOutcome>& outcomes;
    std::vector<std::size_t> pending;   // recipients to send RCPT for, in order
    std::vector<std::size_t> accepted;  // those the server accepted at RCPT
};

// XFORWARD (Postfix's XFORWARD_README) lines for the attributes the server offers and we
// know, each line within the command length limit.
std::vector<std::string> xforward_commands(const Extensions& offered, const OutgoingMessage& m) {
    std::vector<std::string> lines;
    std::string line;
    auto add = [&](std::string_view attribute, const std::string& value) {
        if (value.empty() || !offered.offers_xforward(attribute)) {
            return;
        }
        std::string item =
            std::string(attribute) + "=" + xtext(value.substr(0, max_xforward_value));
        if (!line.empty() && line.size() + 1 + item.size() > max_command_length) {
            lines.push_back(std::move(line));
            line.clear();
        }
        line += line.empty() ? "XFORWARD " + item : " " + item;
    };
    add("ADDR", m.client_address);
    add("NAME", m.client_name);
    add("HELO", m.client_helo);
    if (!line.empty()) {
        lines.push_back(std::move(line));
    }
    return lines;
}

bool needs_smtputf8(const Transaction& t) {
    if (has_non_ascii(t.message.sender)) {
        return true;
    }
    for (auto index : t.pending) {
        if (has_non_ascii(t.message.recipients[index])) {
            return true;
        }
    }
    return false;
}

std::string mail_command(const Transaction& t) {
    const auto& offered = t.session.extensions();
    std::string line = "MAIL FROM:<" + t.message.sender + ">";
    if (offered.size) {
        // RFC 1870 §3: the size before dot-stuffing, without the final dot.
        line += " SIZE=" + std::to_string(t.message.data.size());
    }
    // LIMITATION: 8-bit content goes to a hop without 8BITMIME as it is (no conversion to
    // quoted-printable); every current MTA accepts it, a strict RFC 5321 one may refuse it.
    if (offered.eight_bit_mime) {
        line += " BODY=8BITMIME";  // RFC 6152
    }
    if (offered.smtputf8 && needs_smtputf8(t)) {
        // LIMITATION: without SMTPUTF8 at the next hop, UTF-8 addresses are sent as they are
        // and the hop decides; there is no downgrade.
        line += " SMTPUTF8";  // RFC 6531 §3.4
    }
    return line;
}

std::string rcpt_command(const Transaction& t, std::size_t index) {
    return "RCPT TO:<" + t.message.recipients[index] + ">";
}

// 2xx, 4xx and 5xx are answers; anything else at this point is a server out of step.
void expect_answer(const ServerReply& reply, std::string_view to) {
    int kind = reply.code / 100;
    if (kind != 2 && kind != 4 && kind != 5) {
        throw HopFailure(HopFailure::Cause::Protocol,
                         "unexpected reply " + reply.summary() + " to " + std::string(to));
    }
}

void check_xforward(const Transaction& t, const ServerReply& reply) {
    if (reply.code / 100 == 2) {
        return;
    }
    // The message can go on without the original client's details; say so and continue.
    log::warn("relay", "xforward-refused",
              {{"queue_id", t.message.queue_id},
               {"hop", t.session.hop_name()},
               {"reply", reply.summary()}});
}

// False if MAIL was refused; then that reply is every pending recipient's outcome.
bool answer_mail(Transaction& t, const ServerReply& reply) {
    expect_answer(reply, "MAIL FROM");
    if (reply.code / 100 == 2) {
        return true;
    }
    for (auto index : t.pending) {
        t.outcomes[index] = outcome_from_reply(t.message.recipients[index], reply);
    }
    return false;
}

void answer_rcpt(Transaction& t, std::size_t index, const ServerReply& reply) {
    expect_answer(reply, "RCPT TO");
    if (reply.code / 100 == 2) {
        t.accepted.push_back(index);  // not final: only the reply after the dot is
    } else {
        t.outcomes[index] = outcome_from_reply(t.message.recipients[index], reply);
    }
}

void answer_accepted(Transaction& t, const ServerReply& reply, std::string_view to) {
    expect_answer(reply, to);
    for (auto index : t.accepted) {
        t.outcomes[index] = outcome_from_reply(t.message.recipients[index], reply);
    }
}

asio::awaitable<void> send_data(Transaction& t) {
    DataEncoder encoder(t.message.data);
    while (!encoder.finished()) {
        auto piece = encoder.next(data_chunk);
        co_await t.session.send(piece, "while sending the message");
    }
}

// After the reply to DATA: the message and the final replies.
asio::awaitable<void> finish(Transaction& t, const ServerReply& data_reply) {
    if (data_reply.code != 354) {
        if (data_reply.code / 100 == 2) {
            throw HopFailure(HopFailure::Cause::Protocol,
                             "unexpected reply " + data_reply.summary() + " to DATA");
        }
        answer_accepted(t, data_reply, "DATA");
        co_return;
    }
    if (t.accepted.empty()) {
        // RFC 2920 §3.1: DATA went ahead of the refusals; a lone dot ends it, empty.
        co_await t.session.send(".\r\n", "while ending an empty DATA");
        expect_answer(co_await t.session.read_reply("an empty DATA"), "an empty DATA");
        co_return;
    }
    co_await send_data(t);
    if (!t.session.lmtp()) {
        answer_accepted(t, co_await t.session.read_reply("the end of data"), "the end of data");
        co_return;
    }
    // RFC 2033 §4.2: one reply per recipient accepted at RCPT, in RCPT order.
    for (auto index : t.accepted) {
        auto reply = co_await t.session.read_reply("the end of data");
        expect_answer(reply, "the end of data");
        t.outcomes[index] = outcome_from_reply(t.message.recipients[index], reply);
    }
}

// RFC 2920: everything up to DATA in one write, then the replies in order.
asio::awaitable<void> run_pipelined(Transaction& t, const std::vector<std::string>& xforward) {
    std::string batch;
    for (const auto& line : xforward) {
        batch += line + "\r\n";
    }
    batch += mail_command(t) + "\r\n";
    for (auto index : t.pending) {
        batch += rcpt_command(t, index) + "\r\n";
    }
    batch += "DATA\r\n";
    co_await t.session.send(batch, "while sending the envelope");

    for (std::size_t i = 0; i < xforward.size(); ++i) {
        check_xforward(t, co_await t.session.read_reply("XFORWARD"));
    }
    bool mail_accepted = answer_mail(t, co_await t.session.read_reply("MAIL FROM"));
    for (auto index : t.pending) {
        auto reply = co_await t.session.read_reply("RCPT TO");
        if (mail_accepted) {
            answer_rcpt(t, index, reply);
        }
    }
    co_await finish(t, co_await t.session.read_reply("DATA"));
}

asio::awaitable<void> run_in_lockstep(Transaction& t, const std::vector<std::string>& xforward) {
    for (const auto& line : xforward) {
        check_xforward(t, co_await t.session.command(line, "XFORWARD"));
    }
    if (!answer_mail(t, co_await t.session.command(mail_command(t), "MAIL FROM"))) {
        co_return;
    }
    for (auto index : t.pending) {
        answer_rcpt(t, index, co_await t.session.command(rcpt_command(t, index), "RCPT TO"));
    }
    if (t.accepted.empty()) {
        co_return;  // the session stays usable; the next user sends RSET first
    }
    co_await finish(t, co_await t.session.command("DATA", "DATA"));
}

}  // namespace

asio::awaitable<void> run_transaction(ClientSession& session, const OutgoingMessage& message,
                                      std::vector<RecipientOutcome>& outcomes) {
    Transaction t{session, message, outcomes, {}, {}};
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        if (outcomes[i].code == 0) {
            t.pending.push_back(i);
        }
    }
    if (t.pending.empty()) {
        co_return;
    }
    auto xforward = xforward_commands(session.extensions(), message);
    if (session.extensions().pipelining) {
        co_await run_pipelined(t, xforward);
    } else {
        co_await run_in_lockstep(t, xforward);
    }
}

}  // namespace sealpost::smtp
