// Thin RAII over librnp's C handles. Every rnp_result_t goes through check(), which turns a
// failure into an Error naming the operation. Only src/openpgp/ includes this file.
#pragma once

#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace sealpost::openpgp::rnp {

// Throws Error(kind, "<operation>: <librnp's text>") unless `result` is RNP_SUCCESS.
void check(rnp_result_t result, std::string_view operation, ErrorKind kind = ErrorKind::Internal);

// Takes ownership of a string librnp allocated and returns it as std::string.
std::string take_string(char* buffer);

template <typename Handle, rnp_result_t (*Destroy)(Handle)>
struct Deleter {
    void operator()(Handle handle) const { Destroy(handle); }
};

template <typename Handle, rnp_result_t (*Destroy)(Handle)>
using Owned = std::unique_ptr<std::remove_pointer_t<Handle>, Deleter<Handle, Destroy>>;

using Key = Owned<rnp_key_handle_t, rnp_key_handle_destroy>;
using Uid = Owned<rnp_uid_handle_t, rnp_uid_handle_destroy>;
using Signature = Owned<rnp_signature_handle_t, rnp_signature_handle_destroy>;
using Input = Owned<rnp_input_t, rnp_input_destroy>;
using Output = Owned<rnp_output_t, rnp_output_destroy>;
using OpSign = Owned<rnp_op_sign_t, rnp_op_sign_destroy>;
using OpEncrypt = Owned<rnp_op_encrypt_t, rnp_op_encrypt_destroy>;
using OpVerify = Owned<rnp_op_verify_t, rnp_op_verify_destroy>;
using OpGenerate = Owned<rnp_op_generate_t, rnp_op_generate_destroy>;

// An input reading `data` in place: `data` must outlive the returned handle.
Input input_from(std::string_view data);

// Pieces of bytes read one after the other as one input, each in place.
struct PiecesReader {
    std::span<const std::string_view> pieces;
    std::size_t index = 0;   // the piece being read
    std::size_t offset = 0;  // how far into it

    static bool read(void* context, void* buffer, std::size_t length, std::size_t* done);
};

// An input reading `reader`'s pieces in place: both must outlive the returned handle.
Input input_from(PiecesReader& reader);

// An output handing every chunk librnp writes to `write` (whose exceptions it keeps in
// `failure` and reports as a failed write): `write` must outlive the returned handle.
struct CallbackWriter {
    const std::function<void(std::string_view)>& write;
    std::exception_ptr failure;

    static bool deliver(void* context, const void* buffer, std::size_t length);
};
Output output_to(CallbackWriter& writer);
Output output_to_memory(std::size_t max_bytes = 0);
std::string memory_contents(rnp_output_t output);

}  // namespace sealpost::openpgp::rnp
