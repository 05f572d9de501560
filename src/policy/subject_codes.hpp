// The manual's Subject codes (--pgps --pgpe --pgpx --pgpk --pgpk<addr>): finding them at the
// start or end of a Subject and removing them before the message goes on.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sealpost::policy {

// What the sender asked for. Several codes may be given together; repeating one changes
// nothing.
struct SubjectCodes {
    bool sign = false;                      // --pgps: sign if possible
    bool encrypt = false;                   // --pgpe: encrypt if possible, else send as it is
    bool must_encrypt = false;              // --pgpx: encrypt, else deliver nothing and bounce
    bool send_own_key = false;              // --pgpk: reply with the sender's public key
    std::vector<std::string> key_requests;  // --pgpk<addr>: each address once, as written

    bool any() const {
        return sign || encrypt || must_encrypt || send_own_key || !key_requests.empty();
    }
    bool operator==(const SubjectCodes&) const = default;
};

struct ParsedSubject {
    std::string text;  // the Subject without the codes and the blanks that separated them
    SubjectCodes codes;
};

// Finds the codes in a Subject that the caller has unfolded and decoded (RFC 2047).
//
// A code is a whole word: it stands at the start or the end of the Subject, or next to another
// code there, and is separated from the rest by spaces or tabs. So "--pgpe Hello --pgps" holds
// two codes, while "About --pgpe usage", "Re: --pgpe" and "--pgpextra" hold none. The manual
// says a code "can be placed at the beginning or end of the Subject"; for --pgpk it says "at
// the beginning", and DESIGN.md §5 allows both ends for every code, which we follow.
//
// The manual writes the codes in lower case and says nothing about case. We accept any ASCII
// case ("--PGPX"), and an em or en dash in place of "--" ("—pgpx"), because phones capitalise
// the first word and turn "--" into a dash: a --pgpx we failed to see would send in clear the
// mail its author wanted refused rather than sent unencrypted.
//
// "--pgpk<addr>" is written without a blank, as in the manual's "--pgpk<frank@example.com>";
// the address may not be empty or hold blanks or angle brackets, else the word is no code.
// When no code is found, `text` is the Subject unchanged, blanks included.
ParsedSubject parse_subject(std::string_view subject);

}  // namespace sealpost::policy
