// A small organisation for the decision tests, and short summaries of what was decided.
//
// Local domains example.com and example.net. Local users: alice@example.com (the usual
// sender), bob@example.com, zoe@example.com (no keys at all) and carol@example.net; alice, bob
// and carol have key pairs. Remote: dave@remote.org and frank@remote.org have public keys,
// erin@remote.org and gina@remote.org none. Group Signers holds alice, NoCrypto holds nobody
// unless a test adds her.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "policy/decision.hpp"
#include "policy/rules.hpp"

namespace sealpost::policy::testing {

struct World {
    config::Config config;
    std::string rules_text;
    Envelope envelope{"alice@example.com", {},   config::ListenerRole::Submission, true,
                      "192.0.2.25",        false};
    Headers headers{"Hello", {}, {}, std::nullopt, false, PgpKind::Plain};
    bool recipients_in_to = true;  // To: lists every envelope recipient unless a test says
    std::set<std::string> local_domains = {"example.com", "example.net"};
    std::set<std::string> local_users = {"alice@example.com", "bob@example.com", "zoe@example.com",
                                         "carol@example.net"};
    std::set<std::string> public_keys = {"alice@example.com", "bob@example.com",
                                         "carol@example.net", "dave@remote.org",
                                         "frank@remote.org"};
    std::set<std::string> secret_keys = {"alice@example.com", "bob@example.com",
                                         "carol@example.net"};
    std::set<std::pair<std::string, std::string>> members = {{"Signers", "alice@example.com"}};

    // A message from alice to `recipients` with this Subject.
    World& to(std::vector<std::string> recipients, std::string subject = "Hello") {
        envelope.recipients = std::move(recipients);
        headers.subject = std::move(subject);
        return *this;
    }
};

inline AddressQuestion lookup_in(const std::set<std::string>& names) {
    return [&names](std::string_view name) { return names.count(std::string(name)) > 0; };
}

inline MessageDecision decide(const World& world) {
    std::vector<ParseError> errors;
    Rules rules = parse(world.rules_text, &errors);
    for (const ParseError& error : errors) {
        ADD_FAILURE() << describe(error, "rules.txt");
    }
    Headers headers = world.headers;
    if (world.recipients_in_to && headers.to.empty()) {
        headers.to = world.envelope.recipients;
    }
    Lookups lookups{lookup_in(world.local_domains),
                    [&world](std::string_view group, std::string_view address) {
                        return world.members.count({std::string(group), std::string(address)}) > 0;
                    },
                    lookup_in(world.local_users), lookup_in(world.public_keys),
                    lookup_in(world.secret_keys)};
    MessageInput input{world.envelope, headers, world.config, rules, lookups};
    return decide_message(input);
}

inline const RecipientPlan& plan_for(const MessageDecision& decision, std::string_view address) {
    for (const RecipientPlan& plan : decision.recipients) {
        if (plan.address == address) {
            return plan;
        }
    }
    static const RecipientPlan none;
    ADD_FAILURE() << "no plan for " << address;
    return none;
}

// "plain", "sign", "encrypt" (unsigned), "sign+encrypt", or "bounce".
inline std::string outbound_summary(const RecipientPlan& plan) {
    if (plan.bounce) {
        return "bounce";
    }
    const Outbound& out = plan.outbound;
    if (out.sign.on && out.encrypt.on) {
        return "sign+encrypt";
    }
    return out.encrypt.on ? "encrypt" : out.sign.on ? "sign" : "plain";
}

// "decrypt+verify", "decrypt", "verify", or "-".
inline std::string inbound_summary(const RecipientPlan& plan) {
    const Inbound& in = plan.inbound;
    if (in.decrypt.on && in.verify.on) {
        return "decrypt+verify";
    }
    return in.decrypt.on ? "decrypt" : in.verify.on ? "verify" : "-";
}

// "sign+encrypt bcc>decrypt+verify: a@x b@y"
inline std::string copy_summary(const Copy& copy) {
    std::string out = copy.sign && copy.encrypt ? "sign+encrypt"
                      : copy.encrypt            ? "encrypt"
                      : copy.sign               ? "sign"
                                                : "plain";
    out += copy.bcc ? " bcc" : "";
    if (copy.decrypt || copy.verify) {
        out += copy.decrypt && copy.verify ? ">decrypt+verify"
               : copy.decrypt              ? ">decrypt"
                                           : ">verify";
    }
    out += ":";
    for (const std::string& recipient : copy.recipients) {
        out += " " + recipient;
    }
    return out;
}

using Setup = std::function<void(World&)>;

inline const Setup defaults = [](World&) {};
inline const Setup manual_mode = [](World& w) {
    w.config.encryption.auto_encrypt = false;
    w.config.encryption.auto_sign = false;
};
inline const Setup auto_sign = [](World& w) { w.config.encryption.auto_sign = true; };
inline const Setup sign_only = [](World& w) {
    w.config.encryption.auto_encrypt = false;
    w.config.encryption.auto_sign = true;
};
inline const Setup no_secret_key = [](World& w) { w.secret_keys.erase("alice@example.com"); };
inline const Setup same_domain_off = [](World& w) { w.config.encryption.same_domain = false; };
inline const Setup local_domains_off = [](World& w) { w.config.encryption.local_domains = false; };
inline const Setup to_self_off = [](World& w) { w.config.encryption.to_self = false; };
inline const Setup local_users_off = [](World& w) {
    w.config.service.authorize_local_users = false;
};

inline Setup rules(std::string text, Setup more = defaults) {
    return [text, more](World& w) {
        w.rules_text = text;
        more(w);
    };
}

inline Setup both(Setup first, Setup second) {
    return [first, second](World& w) {
        first(w);
        second(w);
    };
}

// One message from alice to one recipient, and its expected outbound treatment.
struct OutboundRow {
    std::string name;
    Setup setup;
    std::string subject;
    std::string recipient;
    std::string treatment;  // outbound_summary()
    std::string encrypt_why;
    std::string sign_why;
};

// Table rows print as their name, not as bytes, in test listings.
inline void PrintTo(const OutboundRow& row, std::ostream* out) {
    *out << row.name;
}

inline void check_outbound(const OutboundRow& row) {
    World world;
    world.to({row.recipient}, row.subject);
    row.setup(world);
    MessageDecision decision = decide(world);
    const RecipientPlan& plan = plan_for(decision, row.recipient);
    EXPECT_EQ(outbound_summary(plan), row.treatment);
    EXPECT_EQ(plan.outbound.encrypt.why, row.encrypt_why);
    EXPECT_EQ(plan.outbound.sign.why, row.sign_why);
}

// A table row's name as a GoogleTest parameter name.
template <typename Row>
std::string row_name(const ::testing::TestParamInfo<Row>& info) {
    return info.param.name;
}

}  // namespace sealpost::policy::testing
