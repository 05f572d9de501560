// Fuzzes the MIME parser and everything the pipeline asks of a received message: any bytes
// must be refused with an Error or handled without a crash, and what parses must serialize
// into something that parses again and classifies the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "mime/canonical.hpp"
#include "mime/classify.hpp"
#include "mime/extract.hpp"
#include "mime/keys.hpp"
#include "mime/message.hpp"
#include "mime/prescan.hpp"

namespace {

using sealpost::Error;
namespace mime = sealpost::mime;

// Small limits so the fuzzer reaches them often.
mime::Limits fuzz_limits() {
    mime::Limits limits;
    limits.max_depth = 16;
    limits.max_parts = 64;
    limits.max_header_bytes = 64 * 1024;
    limits.max_boundary_work = std::uint64_t{1} << 22;
    return limits;
}

void read_openpgp_parts(const mime::Message& message) {
    try {
        mime::encrypted_payload(message);
    } catch (const Error&) {
        // a malformed PGP/MIME structure is reported, never half-read
    }
    try {
        mime::signed_parts(message);
    } catch (const Error&) {
    }
    mime::inline_blocks(message);
    mime::find_public_key_blocks(message);
    mime::is_auto_reply(message);
    mime::is_forwarded(message);
    mime::has_nested_pgp_mime(message);
}

void check_round_trip(const mime::Message& message, const mime::Limits& limits) {
    mime::Kind kind = mime::classify(message);
    mime::Limits wider = limits;
    wider.max_header_bytes *= 2;
    wider.max_boundary_work *= 2;
    try {
        if (mime::classify(mime::parse(message.serialize(), wider)) != kind) {
            std::abort();
        }
    } catch (const Error&) {
        // serializing may add a header line or CRs that push a message over a limit
    }
}

// The prescan's bounds are never below the depth and the parts of the tree GMime builds:
// bytes it bounds within the limits are sent on without that tree (mime::replace_body_bytes).
void check_prescan_bounds(std::string_view input, const mime::Limits& limits) {
    mime::Limits exact = limits;
    try {
        mime::Prescan bounds = mime::prescan(input, limits);
        exact.max_depth = bounds.depth_bound;
        exact.max_parts = bounds.parts_bound;
    } catch (const Error&) {
        return;
    }
    try {
        mime::parse(input, exact);
    } catch (const Error& e) {
        std::string_view what = e.what();
        if (what.find("max_depth") != what.npos || what.find("max_parts") != what.npos) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    mime::Limits limits = fuzz_limits();
    check_prescan_bounds(input, limits);
    try {
        mime::Message message = mime::parse(input, limits);
        read_openpgp_parts(message);
        mime::signable_entity(message);
        message.remove_headers_with_prefix("X-Sealpost-");
        check_round_trip(message, limits);
    } catch (const Error&) {
        // refusing bad input is the expected outcome
    }
    return 0;
}
