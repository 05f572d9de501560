// Command-line parsing (see command.hpp).
#include "smtp/server/command.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <vector>

#include "smtp/server/path.hpp"
#include "smtp/server/replies.hpp"

namespace sealpost::smtp::server {

namespace {

// RFC 1870 SIZE values are decimal; 20 digits are the most a 64-bit count can need.
constexpr std::size_t max_size_digits = 20;

struct Parameter {
    std::string keyword;  // upper case
    std::optional<std::string_view> value;
};

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && upper(text.substr(0, prefix.size())) == prefix;
}

bool is_keyword(std::string_view keyword) {
    return !keyword.empty() && std::isalnum(static_cast<unsigned char>(keyword.front())) &&
           std::all_of(keyword.begin(), keyword.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

// RFC 5321 esmtp-value: printable ASCII other than '='.
bool is_value(std::string_view value) {
    return !value.empty() && std::all_of(value.begin(), value.end(),
                                         [](char c) { return c >= 33 && c <= 126 && c != '='; });
}

// " KEY[=VALUE] KEY..." after a path; a reply naming the first malformed or repeated one.
Parsed<std::vector<Parameter>> parse_parameters(std::string_view text) {
    std::vector<Parameter> parameters;
    if (!text.empty() && text.front() != ' ') {
        return reply_for(Outcome::SyntaxError, "space expected after the address");
    }
    while (!text.empty()) {
        std::size_t start = text.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            break;
        }
        text.remove_prefix(start);
        std::string_view token = text.substr(0, text.find(' '));
        text.remove_prefix(token.size());
        std::size_t equals = token.find('=');
        Parameter parameter{upper(token.substr(0, equals)), std::nullopt};
        if (equals != std::string_view::npos) {
            parameter.value = token.substr(equals + 1);
        }
        if (!is_keyword(parameter.keyword) || (parameter.value && !is_value(*parameter.value))) {
            return reply_for(Outcome::BadParameter, "malformed parameter");
        }
        for (const Parameter& seen : parameters) {
            if (seen.keyword == parameter.keyword) {
                return reply_for(Outcome::BadParameter, "repeated " + parameter.keyword);
            }
        }
        parameters.push_back(std::move(parameter));
    }
    return parameters;
}

std::optional<std::uint64_t> parse_size(std::string_view digits) {
    if (digits.empty() || digits.size() > max_size_digits ||
        !std::all_of(digits.begin(), digits.end(),
                     [](unsigned char c) { return std::isdigit(c); })) {
        return std::nullopt;
    }
    std::uint64_t size = 0;
    for (char digit : digits) {
        std::uint64_t value = static_cast<std::uint64_t>(digit - '0');
        if (size > (std::numeric_limits<std::uint64_t>::max() - value) / 10) {
            return std::numeric_limits<std::uint64_t>::max();  // more than any limit anyway
        }
        size = size * 10 + value;
    }
    return size;
}

std::optional<Reply> apply_mail_parameter(const Parameter& parameter, MailFrom& mail) {
    const std::string& keyword = parameter.keyword;
    if (keyword == "SIZE") {
        mail.declared_size = parameter.value ? parse_size(*parameter.value) : std::nullopt;
        if (!mail.declared_size) {
            return reply_for(Outcome::BadParameter, "SIZE needs a decimal number");
        }
    } else if (keyword == "BODY") {
        std::string body = parameter.value ? upper(*parameter.value) : "";
        if (body != "7BIT" && body != "8BITMIME") {
            return reply_for(Outcome::BadParameter, "BODY must be 7BIT or 8BITMIME");
        }
        mail.body = body == "7BIT" ? BodyType::SevenBit : BodyType::EightBitMime;
    } else if (keyword == "SMTPUTF8") {
        if (parameter.value) {
            return reply_for(Outcome::BadParameter, "SMTPUTF8 takes no value");
        }
        mail.smtputf8 = true;
    } else if (keyword == "AUTH") {
        if (!parameter.value) {
            return reply_for(Outcome::BadParameter, "AUTH needs a value");
        }
    } else {
        return reply_for(Outcome::BadParameter, "unsupported parameter " + keyword);
    }
    return std::nullopt;
}

Reply path_reply(const PathCheck& check, Outcome syntax_outcome) {
    if (check.problem == PathProblem::NeedsSmtputf8) {
        return reply_for(Outcome::NeedsSmtputf8);
    }
    return reply_for(syntax_outcome, check.reason);
}

// What follows "FROM:" or "TO:" and the spaces after it (not in RFC 5321's grammar, but
// common in the wild); nullopt when the argument does not start with `prefix`.
std::optional<std::string_view> after_prefix(std::string_view argument, std::string_view prefix) {
    if (!starts_with_ignoring_case(argument, prefix)) {
        return std::nullopt;
    }
    argument.remove_prefix(prefix.size());
    std::size_t start = argument.find_first_not_of(' ');
    return start == std::string_view::npos ? std::string_view{} : argument.substr(start);
}

}  // namespace

Parsed<CommandLine> parse_command(std::string_view line) {
    for (char c : line) {
        unsigned char octet = static_cast<unsigned char>(c);
        if (octet < 0x20 || octet == 0x7f) {
            return reply_for(Outcome::BadCommandCharacters);
        }
    }
    std::string_view verb = line.substr(0, line.find(' '));
    if (verb.empty() ||
        !std::all_of(verb.begin(), verb.end(), [](unsigned char c) { return std::isalpha(c); })) {
        return reply_for(Outcome::UnknownCommand);
    }
    std::string_view argument = line.substr(verb.size());
    std::size_t start = argument.find_first_not_of(' ');
    argument = start == std::string_view::npos ? std::string_view{} : argument.substr(start);
    argument = argument.substr(0, argument.find_last_not_of(' ') + 1);
    return CommandLine{upper(verb), argument};
}

Parsed<MailFrom> parse_mail_from(std::string_view argument) {
    std::optional<std::string_view> rest = after_prefix(argument, "FROM:");
    if (!rest) {
        return reply_for(Outcome::SyntaxError, "use MAIL FROM:<address>");
    }
    std::size_t path_length = find_path_end(*rest);
    if (path_length == 0) {
        return reply_for(Outcome::BadSenderAddress, "address must be enclosed in <>");
    }
    Parsed<std::vector<Parameter>> parameters = parse_parameters(rest->substr(path_length));
    if (const Reply* reply = std::get_if<Reply>(&parameters)) {
        return *reply;
    }
    MailFrom mail;
    for (const Parameter& parameter : std::get<std::vector<Parameter>>(parameters)) {
        if (std::optional<Reply> reply = apply_mail_parameter(parameter, mail)) {
            return *reply;
        }
    }
    PathCheck check = check_path(rest->substr(0, path_length),
                                 PathRules{.allow_null = true, .allow_utf8 = mail.smtputf8});
    if (!check.ok()) {
        return path_reply(check, Outcome::BadSenderAddress);
    }
    mail.sender = std::move(check.mailbox);
    return mail;
}

Parsed<RcptTo> parse_rcpt_to(std::string_view argument, bool smtputf8) {
    std::optional<std::string_view> rest = after_prefix(argument, "TO:");
    if (!rest) {
        return reply_for(Outcome::SyntaxError, "use RCPT TO:<address>");
    }
    std::size_t path_length = find_path_end(*rest);
    if (path_length == 0) {
        return reply_for(Outcome::BadRecipientAddress, "address must be enclosed in <>");
    }
    Parsed<std::vector<Parameter>> parameters = parse_parameters(rest->substr(path_length));
    if (const Reply* reply = std::get_if<Reply>(&parameters)) {
        return *reply;
    }
    const auto& found = std::get<std::vector<Parameter>>(parameters);
    if (!found.empty()) {
        return reply_for(Outcome::BadParameter, "unsupported parameter " + found.front().keyword);
    }
    PathCheck check = check_path(rest->substr(0, path_length),
                                 PathRules{.allow_utf8 = smtputf8, .allow_postmaster = true});
    if (!check.ok()) {
        return path_reply(check, Outcome::BadRecipientAddress);
    }
    return RcptTo{std::move(check.mailbox)};
}

}  // namespace sealpost::smtp::server
