#include "common/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "common/error.hpp"

namespace sealpost::files {

namespace {

std::string errno_text() {
    return std::strerror(errno);
}

void write_all(int fd, std::string_view data, const std::filesystem::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error(ErrorKind::Temporary,
                        "cannot write " + path.string() + ": " + errno_text());
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

void fsync_folder(const std::filesystem::path& folder) {
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

std::string read_fd(int fd, std::size_t max_bytes, const std::string& name) {
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw Error(ErrorKind::BadInput, "cannot read " + name + ": " + errno_text());
        }
        if (n == 0) {
            return out;
        }
        if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
            throw Error(ErrorKind::LimitExceeded,
                        name + " is larger than " + std::to_string(max_bytes) + " bytes");
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace

std::string read(const std::filesystem::path& path, std::size_t max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        auto kind = errno == ENOENT ? ErrorKind::NotFound : ErrorKind::BadInput;
        throw Error(kind, "cannot open " + path.string() + ": " + errno_text());
    }
    try {
        std::string data = read_fd(fd, max_bytes, path.string());
        ::close(fd);
        return data;
    } catch (...) {
        ::close(fd);
        throw;
    }
}

std::string read_stdin(std::size_t max_bytes) {
    return read_fd(0, max_bytes, "standard input");
}

void write_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode) {
    auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    auto temp = folder / ("." + path.filename().string() + ".tmp." + std::to_string(::getpid()));
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        throw Error(ErrorKind::Temporary, "cannot create " + temp.string() + ": " + errno_text());
    }
    try {
        ::fchmod(fd, mode);
        write_all(fd, data, temp);
        if (::fsync(fd) != 0) {
            throw Error(ErrorKind::Temporary,
                        "cannot fsync " + temp.string() + ": " + errno_text());
        }
    } catch (...) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw;
    }
    ::close(fd);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        throw Error(ErrorKind::Temporary,
                    "cannot rename onto " + path.string() + ": " + errno_text());
    }
    fsync_folder(folder);
}

}  // namespace sealpost::files
