// Writing one message into one Maildir (the format of https://cr.yp.to/proto/maildir.html):
// a unique file in tmp/, written and fsync'd, renamed into new/, new/ fsync'd. Blocking file
// system calls: run it on the blocking executor, never on the I/O thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "smtp/relay/next_hop.hpp"

namespace sealpost::smtp {

struct MaildirDelivery {
    RecipientOutcome outcome;
    std::string path;  // the file in new/ when delivered, else empty
};

// Where a recipient's Maildir is: ROOT/<domain>/<local part>/, both in ASCII lower case as
// the directory keeps accounts (so Bob@ and bob@ share a mailbox); nullopt when the
// address has no '@', or a part is empty, starts with '.', or holds '/', NUL or another
// control character (it could leave the root or hide as a Maildir++ folder).
std::optional<std::filesystem::path> maildir_for(const std::filesystem::path& root,
                                                 std::string_view recipient);

// Delivers `message` for `recipient`: 250 2.0.0 when the file is in new/ and durable; 550
// 5.1.3 when maildir_for() refuses the address; 451 4.3.0 naming the path and the system's
// reason for any file system failure, with the temporary file removed again.
MaildirDelivery write_to_maildir(const std::filesystem::path& root, const std::string& hop_name,
                                 const OutgoingMessage& message, const std::string& recipient);

}  // namespace sealpost::smtp
