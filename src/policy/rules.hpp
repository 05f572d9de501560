// rules.txt: who may use which OpenPGP service (DESIGN.md §5). The parser turns the file into
// Rules; Rules answers, for one address and one permission, Allowed, Denied or NoRule.
//
// Syntax (the manual's, plus one tag of ours): `#` starts a comment anywhere on a line; entries
// are separated by spaces or tabs; each entry is a tag immediately followed by a pattern, e.g.
// `+*@example.com` or `^GROUP:Signers`. A pattern is an address with the wildcards `*` (any run
// of characters, possibly none) and `?` (exactly one character), matched without regard to
// ASCII case; `*` never crosses the `@`. A pattern made only of `*` (with at most one `@`, as in
// `*@*`) matches every address. A pattern may not start with a tag character (`+-frank@...` is
// refused as two tags); match such a rare address with `?`. `GROUP:` ignores case; the group
// name is passed on as written.
//
// Precedence, for one permission and one address, among the entries that match it:
//   1. an exact address (no wildcard)                       most specific
//   2. a wildcard pattern: the one with more literal characters (the `@` counts), then the one
//      with fewer `*`
//   3. GROUP:name
//   4. a catch-all pattern (`*`, `*@*`)                      least specific
// Between entries equally specific, the later one wins: a later line, or further right on the
// same line. A decision from rules.txt wins over the global authorize-all switches; NoRule
// means no entry matched and the switch decides (see permitted()).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sealpost::policy {

enum class Permission { Encrypt, Decrypt, Sign, Verify, Rkey };
inline constexpr std::size_t permission_count = 5;
inline constexpr std::array<Permission, permission_count> all_permissions = {
    Permission::Encrypt, Permission::Decrypt, Permission::Sign, Permission::Verify,
    Permission::Rkey};

enum class Decision { Allowed, Denied, NoRule };

const char* to_string(Permission permission);  // "encrypt", "decrypt", ... "rkey"
const char* to_string(Decision decision);      // "allowed", "denied", "no rule"

// The tags. The first eight are the manual's; `%` and `|` are ours, for RKEY key exchange
// (DESIGN.md §6: "the owner is authorized for RKEY in rules.txt").
struct Tag {
    char symbol;
    Permission permission;
    bool allow;
    const char* meaning;
};
inline constexpr std::array<Tag, 10> tags = {{
    {'+', Permission::Encrypt, true, "can use the encryption service"},
    {'-', Permission::Encrypt, false, "cannot use the encryption service"},
    {'!', Permission::Decrypt, true, "can use the decryption service"},
    {'~', Permission::Decrypt, false, "cannot use the decryption service"},
    {'^', Permission::Sign, true, "can use the signing service"},
    {'=', Permission::Sign, false, "cannot use the signing service"},
    {'$', Permission::Verify, true, "can use the verification service"},
    {'&', Permission::Verify, false, "cannot use the verification service"},
    {'%', Permission::Rkey, true, "may give us its keys by RKEY"},
    {'|', Permission::Rkey, false, "may not give us its keys by RKEY"},
}};

// Returns the tag for `symbol`, or nullptr if it is not one.
const Tag* find_tag(char symbol);

// Most specific first; see the precedence list at the top of this file.
enum class PatternKind { Exact, Wildcard, Group, CatchAll };

// One entry of rules.txt.
struct Rule {
    Permission permission;
    bool allow;
    PatternKind kind;
    std::string text;     // the entry as written, tag included: "+*@example.com"
    std::string pattern;  // after the tag: ASCII-lowercased address pattern, or the group name
    int line;             // 1-based
    int column;           // 1-based, in bytes, of the tag
    int literals;         // characters that are not wildcards (Wildcard kind)
    int stars;            // number of `*` (Wildcard kind)
};

struct ParseError {
    int line;    // 1-based
    int column;  // 1-based byte offset in the line of the offending character or entry
    std::string message;
};

// "rules.txt:3:7: unknown tag '@'"
std::string describe(const ParseError& error, std::string_view source_name);

// Answers whether `address` belongs to directory group `group`. Both are passed as written
// (the group name as in rules.txt, the address as given to Rules), so the directory applies
// its own case rules. An empty function means no group information: GROUP entries then match
// nobody.
using GroupMembership = std::function<bool(std::string_view group, std::string_view address)>;

// How one permission was decided for one address. `rule` points into the Rules that made the
// verdict and is null for NoRule.
struct Verdict {
    Permission permission = Permission::Encrypt;
    Decision decision = Decision::NoRule;
    const Rule* rule = nullptr;
};

// Every permission for one address, for `sealpost rules explain ADDR`.
struct Explanation {
    std::string address;
    std::array<Verdict, permission_count> verdicts;

    const Verdict& operator[](Permission permission) const {
        return verdicts[static_cast<std::size_t>(permission)];
    }
};

// One line per permission: "encrypt  allowed  line 3 column 1: +*@example.com".
std::string to_text(const Explanation& explanation);

// The parsed file, indexed so that a lookup costs a hash probe for exact addresses and for
// patterns with a literal domain, and a linear scan only of the other wildcard patterns and
// groups. Immutable after parse(); safe to share between threads.
class Rules {
public:
    Rules() = default;  // no entries: every answer is NoRule

    Verdict evaluate(Permission permission, std::string_view address,
                     const GroupMembership& groups = {}) const;
    Decision decide(Permission permission, std::string_view address,
                    const GroupMembership& groups = {}) const {
        return evaluate(permission, address, groups).decision;
    }
    // Asks `groups` at most once per group name.
    Explanation explain(std::string_view address, const GroupMembership& groups = {}) const;

    const std::vector<Rule>& entries() const { return rules_; }
    bool empty() const { return rules_.empty(); }

private:
    friend Rules parse(std::string_view text, std::vector<ParseError>* errors);
    explicit Rules(std::vector<Rule> rules);

    struct Query;
    struct Index {
        std::unordered_map<std::string, std::uint32_t> exact;  // address → last entry
        std::unordered_map<std::string, std::vector<std::uint32_t>> by_domain;
        std::vector<std::uint32_t> wildcards;  // the domain part has wildcards
        std::vector<std::uint32_t> groups;
        std::optional<std::uint32_t> catch_all;  // the last one: all catch-alls tie
    };

    void add_to_index(std::uint32_t position);
    bool more_specific(std::uint32_t a, std::uint32_t b) const;
    std::optional<std::uint32_t> best_address_match(const Index& index,
                                                    const std::string& lowered) const;
    std::optional<std::uint32_t> best_group_match(const Index& index, Query& query) const;
    Verdict evaluate_with(Permission permission, Query& query) const;

    std::vector<Rule> rules_;
    std::array<Index, permission_count> index_;
};

// Parses rules.txt. Every syntax error is appended to `errors` (if not null) and its entry
// skipped; the other entries still count. Accepts LF or CRLF line ends and a UTF-8 BOM.
Rules parse(std::string_view text, std::vector<ParseError>* errors);

// Reads and parses `path`. Throws Error(BadInput) listing every syntax error, because a
// skipped `-` entry would silently grant what the administrator meant to refuse; throws
// Error(NotFound) when the file does not exist.
Rules load(const std::filesystem::path& path);

// Who a decision is asked for (the manual's "Rules.txt Notes and Syntax"); the caller asks
// once per party and resolves NoRule with the switch for that party's side:
//   encrypt  the authenticated local sender must be permitted; a recipient whose decision is
//            Denied is never encrypted to ("MDPGP will not encrypt messages to them, even if the
//            public key is known"), whatever the sender's permission
//   sign     the local sender must be permitted; permission to encrypt does not imply it
//   decrypt, verify  "both the recipient and sender must be authorized": the local recipient
//            with the local switch, the sender with the local or the foreign switch
//   rkey     the key owner must be Allowed by an entry
//
// Resolves NoRule with the global switch: the manual's "Authorize all local MDaemon users for
// all services" or "Authorize all non-local (foreign) users for decrypt/verify services". For
// RKEY pass false: the manual says the key owner "must be authorized for RKEY by adding an
// appropriate entry to the MDPGP rules file".
inline bool permitted(Decision decision, bool authorize_all) {
    return decision == Decision::Allowed || (decision == Decision::NoRule && authorize_all);
}

}  // namespace sealpost::policy
