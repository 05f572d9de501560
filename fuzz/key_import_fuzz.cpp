// Fuzzes key import: the packet-size check and librnp's parser as Sealpost drives them.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "openpgp/keyring.hpp"
#include "openpgp/packets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    sealpost::openpgp::KeyLimits limits;
    try {
        sealpost::openpgp::check_packet_sizes(sealpost::openpgp::dearmored(input), limits);
        sealpost::openpgp::Keyring keyring;
        for (const auto& fpr : keyring.import(input)) {
            keyring.check_limits(fpr, limits);
            keyring.has_valid_self_signature(fpr);
            keyring.strip_third_party_signatures(fpr);
            keyring.info(fpr);
        }
    } catch (const sealpost::Error&) {
        // refusing bad input is the expected outcome
    }
    return 0;
}
