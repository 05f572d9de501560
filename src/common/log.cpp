#include "common/log.hpp"

#include <fcntl.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <mutex>
#include <thread>

namespace sealpost::log {

namespace {

std::FILE* output = stderr;

using Sink = spdlog::sinks::stdout_sink_base<spdlog::details::console_mutex>;

std::shared_ptr<spdlog::logger> make_logger() {
    auto made = std::make_shared<spdlog::logger>("sealpost", std::make_shared<Sink>(output));
    made->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    made->set_level(spdlog::level::info);
    return made;
}

std::shared_ptr<spdlog::logger>& logger_ptr() {
    static std::shared_ptr<spdlog::logger> instance = make_logger();
    return instance;
}

spdlog::logger& logger() {
    return *logger_ptr();
}

void forward_stray_lines(int fd) {
    std::string pending;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            return;
        }
        pending.append(buf, static_cast<std::size_t>(n));
        std::size_t end;
        while ((end = pending.find('\n')) != std::string::npos) {
            event(Level::Debug, "library", "stray-output", {{"text", pending.substr(0, end)}});
            pending.erase(0, end + 1);
        }
    }
}

spdlog::level::level_enum to_spdlog(Level level) {
    switch (level) {
        case Level::Trace:
            return spdlog::level::trace;
        case Level::Debug:
            return spdlog::level::debug;
        case Level::Info:
            return spdlog::level::info;
        case Level::Warn:
            return spdlog::level::warn;
        case Level::Error:
            return spdlog::level::err;
    }
    return spdlog::level::info;
}

bool needs_quotes(std::string_view value) {
    if (value.empty()) {
        return true;
    }
    for (unsigned char c : value) {
        if (c <= ' ' || c == '"' || c == '=' || c == 0x7f) {
            return true;
        }
    }
    return false;
}

void append_value(std::string& out, std::string_view value) {
    if (!needs_quotes(value)) {
        out += value;
        return;
    }
    out += '"';
    for (unsigned char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < ' ' || c == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

}  // namespace

void divert_stray_output() {
    int saved = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
    int pipe_fds[2];
    if (saved < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return;  // keep writing to fd 2 as it is: noisier, never silent
    }
    std::FILE* real = ::fdopen(saved, "w");
    if (real == nullptr) {
        return;
    }
    std::setvbuf(real, nullptr, _IOLBF, 0);
    ::dup2(pipe_fds[1], 2);
    ::close(pipe_fds[1]);
    auto level = logger().level();
    output = real;
    logger_ptr() = make_logger();
    logger().set_level(level);
    std::thread(forward_stray_lines, pipe_fds[0]).detach();
}

std::FILE* error_stream() {
    return output;
}

void set_level(Level level) {
    logger().set_level(to_spdlog(level));
}

Level parse_level(std::string_view name) {
    if (name == "trace")
        return Level::Trace;
    if (name == "debug")
        return Level::Debug;
    if (name == "warn")
        return Level::Warn;
    if (name == "error")
        return Level::Error;
    return Level::Info;
}

std::string format_fields(std::initializer_list<Field> fields) {
    std::string out;
    for (const auto& field : fields) {
        if (!out.empty()) {
            out += ' ';
        }
        out += field.key;
        out += '=';
        append_value(out, field.value);
    }
    return out;
}

void event(Level level, std::string_view component, std::string_view name,
           std::initializer_list<Field> fields) {
    auto& sink = logger();
    auto spd_level = to_spdlog(level);
    if (!sink.should_log(spd_level)) {
        return;
    }
    std::string line;
    line.reserve(128);
    line.append(component).append(" ").append(name);
    if (fields.size() != 0) {
        line.append(" ").append(format_fields(fields));
    }
    sink.log(spd_level, "{}", line);
}

}  // namespace sealpost::log
