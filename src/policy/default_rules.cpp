#include "policy/default_rules.hpp"

namespace sealpost::policy {

namespace {

constexpr const char* header = R"(# rules.txt: who may use Sealpost's OpenPGP services
#
# Sealpost signs, encrypts, decrypts and verifies mail only for addresses allowed to use the
# service. This file grants and refuses those permissions per address, per domain or per
# directory group. As installed every line starts with '#', so there are no entries and the
# authorize-all switches in sealpost.toml decide alone.
#
# SYNTAX
#   Text after # on a line is ignored.
#   Several entries may share a line, separated by spaces.
#   Each entry is a tag followed directly by an address pattern, with no space between:
#       +frank@example.com
#   Patterns may use the wildcards * (any run of characters, possibly none) and ? (exactly
#   one character). A wildcard never crosses the @: *@example.com does not match
#   frank@sales.example.com; write *@*.example.com for subdomains. Letters match without
#   regard to case. * and *@* match every address.
#   GROUP:name stands for every member of that directory group, e.g. +GROUP:EncryptingUsers
#   Group names hold letters, digits, '-', '_', '.' and '@', and no wildcards.
#
# TAGS
#   +  can use the encryption service       -  cannot use the encryption service
#   !  can use the decryption service       ~  cannot use the decryption service
#   ^  can use the signing service          =  cannot use the signing service
#   $  can use the verification service     &  cannot use the verification service
#   %  may give us its keys by RKEY         |  may not give us its keys by RKEY
#   % and | are Sealpost's own; the other eight are those of MDaemon's MDPGP.
#
# WHAT THE PERMISSIONS MEAN
#   encrypt  Only authenticated mail from local users is ever encrypted, and only if the
#            sender may encrypt. A recipient can be excluded too: -partner@elsewhere.example
#            means mail to that address is never encrypted, even when its key is known.
#   sign     Needed to sign a message that is not encrypted. An encrypted message is always
#            signed, but permission to encrypt does not grant signing of unencrypted mail.
#   decrypt  Incoming encrypted mail is decrypted only if both the recipient and the sender
#            may use decryption.
#   verify   Signatures in incoming mail are checked only if both the recipient and the
#            sender may use verification.
#   rkey     A key offered by RKEY during an SMTP session is imported only if its owner may
#            use RKEY, and the message passes DKIM and SPF checks. Authorize a whole partner
#            domain with %*@partner.example
#
# PRECEDENCE
#   1. An entry in this file wins over the "authorize all local users" and "authorize all
#      foreign users" switches in sealpost.toml. An address that no entry matches is left
#      to those switches, except for RKEY, which is refused unless an entry allows it.
#   2. Among the entries for one service that match an address, the most specific wins:
#        a. the exact address, e.g. frank@example.com
#        b. a pattern with wildcards: the one with more characters that are not wildcards
#           (the @ counts), then the one with fewer *; so *@sales.example.com wins over
#           *@*.example.com, and fr?nk@example.com over fr*nk@example.com
#        c. GROUP:name
#        d. a pattern that matches every address: * or *@*
#   3. Between two entries equally specific, the later one wins: a later line, or further
#      right on the same line.
#
# EXAMPLES (remove the leading # to use one)
#
# All users of all domains can encrypt:
#+*@*
# All users of all domains can decrypt:
#!*@*
# All users of all domains can sign:
#^*@*
# All users of example.com can sign:
#^*@example.com
# The user can encrypt but not decrypt:
#+frank@example.com ~frank@example.com
# Members of the EncryptingUsers group can encrypt:
#+GROUP:EncryptingUsers
# Members of the Signers group can sign:
#^GROUP:Signers
# All example.com users can encrypt, except frank:
#+*@example.com -frank@example.com
# Never encrypt mail to this outside address, even if its key is known:
#-partner@elsewhere.example
# Accept keys by RKEY from the users of a trusted partner domain, except one:
#%*@partner.example |intern@partner.example
)";

}  // namespace

std::string default_rules_text() {
    return header;
}

}  // namespace sealpost::policy
