// libFuzzer target for what the SMTP server parses from a client: command lines, MAIL and RCPT
// arguments, the DATA stream, base64 and xtext. Nothing may crash, an accepted address must
// be free of control characters and within RFC 5321's lengths, and the DATA reader must give
// the same result however the bytes are split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtp/server/codec.hpp"
#include "smtp/server/command.hpp"
#include "smtp/server/data_reader.hpp"
#include "smtp/server/path.hpp"
#include "smtp/server/replies.hpp"

namespace {

using namespace sealpost::smtp::server;
using sealpost::smtp::Reply;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

void check_reply(const Reply& reply) {
    require(reply.code >= 400 && reply.code <= 599 && !reply.text.empty());
    require(!reply.enhanced.empty() && reply.enhanced[0] == '0' + reply.code / 100);
}

void check_address(const std::string& address, bool utf8) {
    require(address.size() <= max_path_length);
    for (char c : address) {
        unsigned char octet = static_cast<unsigned char>(c);
        require(octet >= 0x20 && octet != 0x7f);
        require(utf8 || octet < 0x80);
    }
}

void fuzz_command(std::string_view line, bool smtputf8) {
    Parsed<CommandLine> command = parse_command(line);
    if (const Reply* reply = std::get_if<Reply>(&command)) {
        check_reply(*reply);
        return;
    }
    const CommandLine& parsed = std::get<CommandLine>(command);
    Parsed<MailFrom> mail = parse_mail_from(parsed.argument);
    if (const MailFrom* from = std::get_if<MailFrom>(&mail)) {
        check_address(from->sender, from->smtputf8);
    } else {
        check_reply(std::get<Reply>(mail));
    }
    Parsed<RcptTo> rcpt = parse_rcpt_to(parsed.argument, smtputf8);
    if (const RcptTo* to = std::get_if<RcptTo>(&rcpt)) {
        require(!to->recipient.empty());
        check_address(to->recipient, smtputf8);
    } else {
        check_reply(std::get<Reply>(rcpt));
    }
}

struct DataResult {
    std::size_t consumed = 0;
    bool finished = false;
    DataReader::Problem problem = DataReader::Problem::None;
    std::string message;
};

DataResult read_data(std::string_view bytes, std::size_t chunk) {
    DataReader reader({.max_line_length = 100, .max_message_size = 4096});
    DataResult result;
    while (result.consumed < bytes.size() && !reader.finished()) {
        std::size_t taken = reader.feed(bytes.substr(result.consumed, chunk));
        require(taken <= chunk);
        result.consumed += taken;
    }
    result.finished = reader.finished();
    result.problem = reader.problem();
    result.message = reader.take_message();
    return result;
}

void fuzz_data(std::string_view bytes, std::size_t chunk) {
    DataResult whole = read_data(bytes, bytes.size() + 1);
    DataResult pieces = read_data(bytes, chunk);
    require(whole.consumed == pieces.consumed && whole.finished == pieces.finished);
    require(whole.problem == pieces.problem && whole.message == pieces.message);
    if (!whole.finished || whole.problem != DataReader::Problem::None) {
        return;
    }
    // A message that passes has only CRLF line endings and ends with one (or is empty).
    const std::string& message = whole.message;
    require(message.empty() || message.ends_with("\r\n"));
    for (std::size_t i = 0; i < message.size(); ++i) {
        if (message[i] == '\r') {
            require(i + 1 < message.size() && message[i + 1] == '\n');
        } else if (message[i] == '\n') {
            require(i > 0 && message[i - 1] == '\r');
        }
    }
}

void fuzz_codecs(std::string_view text) {
    if (std::optional<std::string> decoded = decode_base64(text)) {
        require(encode_base64(*decoded) == text);
    }
    (void)decode_xtext(text);
    std::string wire = format_reply(Reply{250, "2.0.0", std::string(text)});
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r' || wire[i] == '\n') {
            require(wire[i] == '\r' ? wire[i + 1] == '\n' : wire[i - 1] == '\r');
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::size_t chunk = 1 + data[0] % 16;
    bool smtputf8 = (data[0] & 0x80) != 0;
    std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::string_view rest = text;
    while (!rest.empty()) {
        std::size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        fuzz_command(line, smtputf8);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
    fuzz_data(text, chunk);
    fuzz_codecs(text.substr(0, text.find('\n')));
    return 0;
}
