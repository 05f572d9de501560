#include "http/keyserver/names.hpp"

#include <algorithm>

namespace sealpost::keyserver {

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::ranges::transform(out, out.begin(),
                           [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
    return out;
}

}  // namespace sealpost::keyserver
