// Messages Sealpost writes itself: the RFC 3464 bounce for --pgpx, the --pgpe failure notice
// and the --pgpk key reply. None carries a byte of the original body.
#include <unistd.h>

#include <ctime>
#include <random>

#include "pipeline/work.hpp"
#include "policy/reasons.hpp"

namespace sealpost::pipeline {

namespace {

std::string domain_of(const std::string& address) {
    auto at = address.rfind('@');
    return at == std::string::npos ? "localhost" : address.substr(at + 1);
}

// Text from the sender (an address in --pgpk<addr>) put into a header: no line breaks.
std::string clean(std::string_view text) {
    std::string out;
    for (char c : text) {
        out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
    }
    return out;
}

std::string crlf(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
            out += '\r';
        }
        out += text[i];
    }
    return out;
}

std::string random_token() {
    std::random_device random;
    std::uniform_int_distribution<unsigned> digit(0, 35);
    std::string token;
    for (int i = 0; i < 24; ++i) {
        token += "0123456789abcdefghijklmnopqrstuvwxyz"[digit(random)];
    }
    return token;
}

std::string rfc5322_date() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
    return text;
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    return name;
}

// The header block of a message Sealpost writes to `to`, ending with the empty line.
std::string header_block(const std::string& to, const std::string& subject,
                         const std::string& content_type) {
    std::string domain = domain_of(to);
    std::string out;
    out += "From: Sealpost <postmaster@" + domain + ">\r\n";
    out += "To: <" + to + ">\r\n";
    out += "Subject: " + subject + "\r\n";
    out += "Date: " + rfc5322_date() + "\r\n";
    out += "Message-ID: <" + random_token() + "@" + domain + ">\r\n";
    out += "Auto-Submitted: auto-replied\r\n";  // RFC 3834 §5
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: " + content_type + "\r\n";
    return out + "\r\n";
}

// The original's header block only, as text/rfc822-headers (RFC 6522 §4).
std::string original_headers(const mime::Message& original) {
    std::string all = original.serialize();
    auto end = all.find("\r\n\r\n");
    return end == std::string::npos ? all : all.substr(0, end + 2);
}

std::string failure_list(const std::vector<policy::Notice>& failed) {
    std::string text;
    for (const auto& notice : failed) {
        text += "  <" + notice.recipient + ">: " + policy::why::describe(notice.why) + "\r\n";
    }
    return text;
}

}  // namespace

// RFC 3464 multipart/report: a human part, message/delivery-status with one block per
// recipient, and the original's header fields. Status 5.7.1: delivery not authorized, the
// sender's own --pgpx forbids it (RFC 3463).
std::string dsn(const mime::Message& original, const std::string& sender,
                const std::vector<policy::Notice>& failed) {
    std::string boundary = "=_sealpost_" + random_token();
    std::string out = header_block(sender, "Undelivered Mail: encryption required (--pgpx)",
                                   "multipart/report; report-type=delivery-status;\r\n"
                                   "\tboundary=\"" +
                                       boundary + "\"");
    out += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
    out +=
        "Your message asked with --pgpx to be delivered only encrypted. It could not be\r\n"
        "encrypted to these recipients, so it was not delivered to them:\r\n\r\n";
    out += failure_list(failed);
    out += "\r\n--" + boundary + "\r\nContent-Type: message/delivery-status\r\n\r\n";
    out += "Reporting-MTA: dns; " + host_name() + "\r\n";
    for (const auto& notice : failed) {
        out += "\r\nFinal-Recipient: rfc822; " + notice.recipient + "\r\n";
        out += "Action: failed\r\nStatus: 5.7.1\r\n";
        out += "Diagnostic-Code: x-sealpost; " + notice.why + "\r\n";
    }
    out += "\r\n--" + boundary + "\r\nContent-Type: text/rfc822-headers\r\n\r\n";
    out += original_headers(original);
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

std::string failure_notice(const mime::Message& original, const std::string& sender,
                           const std::vector<policy::Notice>& failed) {
    std::string out = header_block(sender, "Sent unencrypted: " + clean(original.subject()),
                                   "text/plain; charset=utf-8");
    out +=
        "Your message asked with --pgpe to be encrypted. It could not be encrypted to\r\n"
        "these recipients and was sent to them as it was:\r\n\r\n";
    return out + failure_list(failed);
}

std::string key_reply(const std::string& to, const std::string& key_of,
                      const std::optional<std::string>& armored_key) {
    std::string whose = clean(key_of);
    if (!armored_key) {
        std::string out =
            header_block(to, "No public key known for " + whose, "text/plain; charset=utf-8");
        return out + "No usable public key is known here for <" + whose + ">.\r\n";
    }
    std::string boundary = "=_sealpost_" + random_token();
    std::string out = header_block(to, "Public key of " + whose,
                                   "multipart/mixed; boundary=\"" + boundary + "\"");
    out += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
    out += "Attached is the OpenPGP public key of <" + whose + ">.\r\n";
    out += "\r\n--" + boundary + "\r\nContent-Type: application/pgp-keys\r\n";
    out += "Content-Disposition: attachment; filename=\"public-key.asc\"\r\n\r\n";
    out += crlf(*armored_key);
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

}  // namespace sealpost::pipeline
