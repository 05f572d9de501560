#include "smtp/relay/maildir_writer.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include "common/ascii.hpp"

namespace sealpost::smtp {

namespace fs = std::filesystem;

namespace {

// A file system call that failed, as "cannot create /m/tmp/x: No space left on device".
class FileFailure : public std::runtime_error {
public:
    FileFailure(std::string_view what, const fs::path& path, int error)
        : std::runtime_error("cannot " + std::string(what) + " " + path.string() + ": " +
                             std::system_category().message(error)) {}
};

class OpenFile {
public:
    OpenFile(const fs::path& path, int flags, mode_t mode = 0)
        : fd_(::open(path.c_str(), flags | O_CLOEXEC, mode)) {}
    ~OpenFile() {
        if (fd_ >= 0) {
            ::close(fd_);  // only reached on an error path, which is reported already
        }
    }
    OpenFile(const OpenFile&) = delete;
    OpenFile& operator=(const OpenFile&) = delete;

    int fd() const { return fd_; }
    // close(2) can report a failed write-back (NFS); it counts.
    int close() {
        int result = ::close(fd_);
        fd_ = -1;
        return result;
    }

private:
    int fd_;
};

bool is_safe_component(std::string_view part) {
    if (part.empty() || part.front() == '.') {
        return false;  // ".", "..", and Maildir++ folders (".Sent") are not mailboxes
    }
    for (unsigned char c : part) {
        if (c < 0x20 || c == 0x7f || c == '/') {
            return false;
        }
    }
    return true;
}

void sync_directory(const fs::path& dir) {
    OpenFile handle(dir, O_RDONLY | O_DIRECTORY);
    if (handle.fd() < 0) {
        throw FileFailure("open", dir, errno);
    }
    if (::fsync(handle.fd()) != 0) {
        throw FileFailure("fsync", dir, errno);
    }
}

// mkdir with mode 0700; a directory made new is made durable in its parent.
void make_directory(const fs::path& dir) {
    if (::mkdir(dir.c_str(), 0700) == 0) {
        sync_directory(dir.parent_path());
        return;
    }
    int error = errno;
    struct stat status {};
    if (error != EEXIST || ::stat(dir.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
        throw FileFailure("create", dir, error == EEXIST ? ENOTDIR : error);
    }
}

void make_maildir(const fs::path& root, const fs::path& mailbox) {
    make_directory(root);
    make_directory(mailbox.parent_path());
    make_directory(mailbox);
    for (const char* sub : {"tmp", "new", "cur"}) {
        make_directory(mailbox / sub);
    }
}

std::string host_name() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0) {
        return "localhost";
    }
    // The Maildir spec: '/' and ':' in the host name are written as \057 and \072.
    std::string out;
    for (const char* c = buffer; *c != '\0'; ++c) {
        if (*c == '/') {
            out += "\\057";
        } else if (*c == ':') {
            out += "\\072";
        } else {
            out += *c;
        }
    }
    return out;
}

// time.pid_counter_random.host: unique across processes (pid), deliveries in this process
// (counter) and pid reuse after a restart within the same second (random).
std::string unique_name() {
    static std::atomic<unsigned long> counter{0};
    unsigned char random[8];
    if (RAND_bytes(random, sizeof random) != 1) {
        throw std::runtime_error("cannot make a unique file name: no randomness from OpenSSL");
    }
    static const char hex[] = "0123456789abcdef";
    std::string random_hex;
    for (unsigned char byte : random) {
        random_hex += hex[byte >> 4];
        random_hex += hex[byte & 15];
    }
    return std::to_string(static_cast<long long>(::time(nullptr))) + "." +
           std::to_string(::getpid()) + "_" + std::to_string(++counter) + "_" + random_hex + "." +
           host_name();
}

void write_all(int fd, std::string_view bytes, const fs::path& path) {
    while (!bytes.empty()) {
        ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written < 0) {
            throw FileFailure("write", path, errno);
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

void write_file(const fs::path& path, std::string_view head, std::string_view body) {
    OpenFile file(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (file.fd() < 0) {
        throw FileFailure("create", path, errno);
    }
    write_all(file.fd(), head, path);
    write_all(file.fd(), body, path);
    if (::fsync(file.fd()) != 0) {
        throw FileFailure("fsync", path, errno);
    }
    if (file.close() != 0) {
        throw FileFailure("close", path, errno);
    }
}

// Writes into tmp/ and renames into new/; removes the temporary file on any failure.
fs::path deliver_file(const fs::path& mailbox, std::string_view head, std::string_view body) {
    auto name = unique_name();
    auto temporary = mailbox / "tmp" / name;
    auto final_path = mailbox / "new" / name;
    try {
        write_file(temporary, head, body);
        if (::rename(temporary.c_str(), final_path.c_str()) != 0) {
            throw FileFailure("rename into", final_path, errno);
        }
    } catch (const FileFailure&) {
        ::unlink(temporary.c_str());  // best effort: the failure reported is the one above
        throw;
    }
    sync_directory(mailbox / "new");
    return final_path;
}

}  // namespace

std::optional<fs::path> maildir_for(const fs::path& root, std::string_view recipient) {
    auto at = recipient.rfind('@');
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    std::string address = ascii_lower(recipient);
    std::string_view local = std::string_view(address).substr(0, at);
    std::string_view domain = std::string_view(address).substr(at + 1);
    if (!is_safe_component(local) || !is_safe_component(domain)) {
        return std::nullopt;
    }
    return root / domain / local;
}

MaildirDelivery write_to_maildir(const fs::path& root, const std::string& hop_name,
                                 const OutgoingMessage& message, const std::string& recipient) {
    auto mailbox = maildir_for(root, recipient);
    if (!mailbox) {
        return {{recipient, 550, "5.1.3", "the address does not name a mailbox in " + hop_name},
                {}};
    }
    std::string head =
        "Return-Path: <" + message.sender + ">\r\nDelivered-To: " + recipient + "\r\n";
    try {
        make_maildir(root, *mailbox);
        auto path = deliver_file(*mailbox, head, message.data);
        return {{recipient, 250, "2.0.0", "delivered to " + hop_name}, path.string()};
    } catch (const FileFailure& failure) {
        return {{recipient, 451, "4.3.0", "next hop " + hop_name + ": " + failure.what()}, {}};
    }
}

}  // namespace sealpost::smtp
