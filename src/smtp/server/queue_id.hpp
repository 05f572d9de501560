// Identifiers for log lines: a queue ID names one message (transaction) from MAIL to its
// last log line, a session ID one connection from connect to disconnect.
#pragma once

#include <string>

namespace sealpost::smtp::server {

// 12 characters of RFC 4648 base32: 30 bits of the time in seconds, a 15-bit counter (unique
// within this process for 32,768 IDs a second) and 15 random bits (apart across the nodes
// that share a keystore). Thread-safe.
std::string make_queue_id();

}  // namespace sealpost::smtp::server
