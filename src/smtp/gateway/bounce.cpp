#include "smtp/gateway/bounce.hpp"

#include <sodium.h>

#include <ctime>

namespace sealpost::smtp {

namespace {

// Keeps only printable ASCII of text that goes into a header or a DSN field.
std::string printable(std::string_view text) {
    std::string out;
    for (char c : text) {
        out += (c >= 0x20 && c < 0x7f) ? c : ' ';
    }
    return out;
}

std::string rfc5322_date() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return text;
}

std::string boundary() {
    unsigned char bytes[12];
    randombytes_buf(bytes, sizeof bytes);
    static const char hex[] = "0123456789abcdef";
    std::string out = "=_sealpost_dsn_";
    for (unsigned char b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

std::string status_of(const RecipientOutcome& outcome) {
    if (!outcome.enhanced.empty()) {
        return printable(outcome.enhanced);
    }
    return outcome.code >= 500 ? "5.0.0" : "4.0.0";
}

std::string header_section(std::string_view original) {
    auto end = original.find("\r\n\r\n");
    std::string_view headers = end == std::string_view::npos ? original : original.substr(0, end);
    return std::string(headers) + "\r\n";
}

}  // namespace

std::string relay_failure_report(std::string_view sender, std::string_view original,
                                 const std::vector<RecipientOutcome>& failed,
                                 std::string_view reporting_host, std::string_view queue_id) {
    std::string host = printable(reporting_host);
    std::string mark = boundary();
    std::string out = "From: Mail Delivery System <MAILER-DAEMON@" + host + ">\r\n";
    out += "To: <" + printable(sender) + ">\r\n";
    out += "Subject: Undelivered Mail Returned to Sender\r\n";
    out += "Date: " + rfc5322_date() + "\r\n";
    out += "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"" + mark +
           "\"\r\n\r\n";
    out += "--" + mark + "\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n";
    out += "Your message (queue ID " + printable(queue_id) +
           ") could not be delivered to these recipients:\r\n\r\n";
    for (const auto& outcome : failed) {
        out += "<" + printable(outcome.recipient) + ">: " + std::to_string(outcome.code) + " " +
               printable(outcome.text) + "\r\n";
    }
    out += "\r\n--" + mark + "\r\nContent-Type: message/delivery-status\r\n\r\n";
    out += "Reporting-MTA: dns; " + host + "\r\nX-Sealpost-Queue-ID: " + printable(queue_id) +
           "\r\n";
    for (const auto& outcome : failed) {
        out += "\r\nFinal-Recipient: rfc822; " + printable(outcome.recipient) + "\r\n";
        out += "Action: failed\r\nStatus: " + status_of(outcome) + "\r\n";
        out += "Diagnostic-Code: smtp; " + std::to_string(outcome.code) + " " +
               printable(outcome.text) + "\r\n";
    }
    out += "\r\n--" + mark + "\r\nContent-Type: text/rfc822-headers\r\n\r\n";
    out += header_section(original);
    out += "\r\n--" + mark + "--\r\n";
    return out;
}

}  // namespace sealpost::smtp
