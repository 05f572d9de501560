// sealpost encrypt | decrypt | sign | verify: the command-line utility of the manual, on
// files, with keys from the keystore.
#include <iostream>

#include "app/context.hpp"
#include "app/key_format.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "keystore/key_choice.hpp"
#include "openpgp/operations.hpp"

namespace sealpost::app {

namespace {

struct CryptoArgs {
    std::string input = "-";
    std::string out = "-";
    std::vector<std::string> recipients;
    std::string signer;
    std::string signature;
    bool binary = false;
    bool detached = false;
    bool clear = false;
};

// An address gets the key DESIGN.md §4 chooses; a fingerprint or key ID names one key.
std::string recipient_key(Context& context, const std::string& recipient) {
    auto& keys = context.keys();
    if (recipient.find('@') != std::string::npos) {
        auto address = openpgp::normalise_address(recipient);
        auto choice = keystore::choose_encryption_key(keys.store(), address, keys.now());
        if (!choice) {
            throw Error(ErrorKind::Unusable, "no usable key to encrypt to " + address);
        }
        return choice->key.fingerprint;
    }
    auto record = keys.resolve(recipient);
    if (auto why = keystore::unusable_for_encryption(record, keys.now())) {
        throw Error(ErrorKind::Unusable, "key " + record.fingerprint + " is " + *why);
    }
    return record.fingerprint;
}

std::string signer_key(Context& context, const std::string& signer) {
    auto record = context.keys().resolve(signer);
    if (auto why = keystore::unusable_for_signing(record, context.keys().now())) {
        throw Error(ErrorKind::Unusable, "key " + record.fingerprint + " cannot sign: " + *why);
    }
    return record.fingerprint;
}

openpgp::Limits limits_of(Context& context) {
    openpgp::Limits limits;
    limits.max_output_bytes = context.config().limits.max_decompressed_bytes;
    limits.max_signatures = static_cast<std::size_t>(context.config().limits.max_signatures);
    return limits;
}

// Prints one line per signature on standard error; returns whether one is good and none bad.
bool report_signatures(Context& context, const std::vector<openpgp::SignatureCheck>& checks) {
    bool good = false;
    bool bad = false;
    for (const auto& check : checks) {
        std::string who = check.signer;
        if (auto record = context.store().get_record(check.signer);
            record && !record->user_ids.empty()) {
            who += " (" + record->user_ids.front() + ")";
        }
        std::fprintf(log::error_stream(), "signature: %s from %s made %s\n",
                     openpgp::to_string(check.status), who.c_str(),
                     format_time(check.created).c_str());
        good = good || check.status == openpgp::SignatureStatus::Good;
        bad = bad || check.status == openpgp::SignatureStatus::Bad;
    }
    return good && !bad;
}

void run_encrypt(Context& context, const CryptoArgs& args) {
    std::vector<std::string> recipients;
    for (const auto& r : args.recipients)
        recipients.push_back(recipient_key(context, r));
    std::vector<std::string> signers;
    if (!args.signer.empty())
        signers.push_back(signer_key(context, args.signer));
    openpgp::Keyring keyring;
    context.keys().load_into(keyring, recipients, false);
    context.keys().load_into(keyring, signers, true);
    openpgp::EncryptOptions options;
    options.armor = !args.binary;
    options.compress = context.config().encryption.compress;
    auto data = read_input(args.input);
    write_output(args.out, openpgp::encrypt(keyring, data, recipients, signers, options));
}

void run_decrypt(Context& context, const CryptoArgs& args) {
    openpgp::Keyring keyring;
    context.keys().provide_keys(keyring, true);
    auto opened = openpgp::decrypt(keyring, read_input(args.input), limits_of(context));
    report_signatures(context, opened.signatures);
    // Nothing is written before the whole message decrypted and its integrity checked out.
    write_output(args.out, opened.plaintext);
}

void run_sign(Context& context, const CryptoArgs& args) {
    auto signer = signer_key(context, args.signer);
    openpgp::Keyring keyring;
    context.keys().load_into(keyring, {signer}, true);
    auto mode = args.detached ? openpgp::SignMode::Detached
                : args.clear  ? openpgp::SignMode::Cleartext
                              : openpgp::SignMode::Inline;
    write_output(args.out,
                 openpgp::sign(keyring, read_input(args.input), {signer}, mode, !args.binary));
}

void run_verify(Context& context, const CryptoArgs& args) {
    openpgp::Keyring keyring;
    context.keys().provide_keys(keyring, false);
    auto data = read_input(args.input);
    std::optional<std::string> signature;
    if (!args.signature.empty())
        signature = read_input(args.signature);
    auto opened = openpgp::verify(keyring, data, signature, limits_of(context));
    if (!report_signatures(context, opened.signatures)) {
        throw Error(ErrorKind::IntegrityFailure, "no good signature");
    }
    if (!signature && args.out != "")
        write_output(args.out, opened.plaintext);
}

}  // namespace

void add_crypto_commands(CLI::App& app, Context& context) {
    auto args = std::make_shared<CryptoArgs>();
    auto add_io = [args](CLI::App* cmd) {
        cmd->add_option("file", args->input, "input file (default: standard input)");
        cmd->add_option("--out,-o", args->out, "output file (default: standard output)");
    };

    auto* encrypt = app.add_subcommand("encrypt", "encrypt a file to keys in the keystore");
    add_io(encrypt);
    encrypt->add_option("--recipient,-r", args->recipients, "address, fingerprint or key ID")
        ->required();
    encrypt->add_option("--sign-as", args->signer, "also sign with this local key");
    encrypt->add_flag("--binary", args->binary, "binary output instead of ASCII armor");
    encrypt->callback([&context, args] { run_encrypt(context, *args); });

    auto* decrypt = app.add_subcommand("decrypt", "decrypt a file with a key in the keystore");
    add_io(decrypt);
    decrypt->callback([&context, args] { run_decrypt(context, *args); });

    auto* sign = app.add_subcommand("sign", "sign a file");
    add_io(sign);
    sign->add_option("--as", args->signer, "the local key to sign with")->required();
    auto* detached = sign->add_flag("--detached", args->detached, "a detached signature");
    sign->add_flag("--clear", args->clear, "a cleartext signature")->excludes(detached);
    sign->add_flag("--binary", args->binary, "binary output instead of ASCII armor");
    sign->callback([&context, args] { run_sign(context, *args); });

    auto* verify = app.add_subcommand("verify", "check the signatures of a file");
    add_io(verify);
    verify->add_option("--signature", args->signature, "a detached signature of the file");
    verify->callback([&context, args] { run_verify(context, *args); });
}

}  // namespace sealpost::app
