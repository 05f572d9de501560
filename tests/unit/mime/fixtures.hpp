// Messages for the mime tests, written out by hand in the shapes that mutt, Thunderbird and
// GnuPG produce (the armored data is shortened and not real OpenPGP: the mime library never
// looks inside it). Tests that need a message built around one of these use message_with().
#pragma once

#include <string>
#include <string_view>

#include "mime/message.hpp"

namespace sealpost::mime::fixtures {

inline constexpr std::string_view pgp_message =
    "-----BEGIN PGP MESSAGE-----\n"
    "\n"
    "hF4DxR3Ya2PhTkESAQdAx0Qv1sA3g4mZ9Q1o0dFakeCiphertextOnlyForTests\n"
    "=AbCd\n"
    "-----END PGP MESSAGE-----\n";

inline constexpr std::string_view pgp_signature =
    "-----BEGIN PGP SIGNATURE-----\n"
    "\n"
    "iHUEARYKAB0WIQRfakeSignatureBytesOnlyForTestsAAAAAAAAAAAAAAAAAAA\n"
    "=WxYz\n"
    "-----END PGP SIGNATURE-----\n";

inline constexpr std::string_view public_key =
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
    "\n"
    "mDMEZfakePublicKeyBytesOnlyForTestsBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n"
    "=PqRs\n"
    "-----END PGP PUBLIC KEY BLOCK-----\n";

inline constexpr std::string_view envelope_headers =
    "Return-Path: <frank@example.com>\n"
    "Received: from mail.example.com by mx.example.org; Mon, 1 Jan 2024 10:00:00 +0000\n"
    "From: Frank Sender <Frank@Example.COM>\n"
    "To: \"Ann\" <ann@example.org>, bob@EXAMPLE.org\n"
    "Cc: Team: carol@example.org, dave@example.org;\n"
    "Subject: Quarterly figures\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
    "Message-ID: <20240101100000.42@example.com>\n"
    "MIME-Version: 1.0\n";

// A plain one-part text message.
inline std::string plain_text(std::string_view body = "Hello Ann,\n\nsee you soon.\n") {
    return std::string(envelope_headers) +
           "Content-Type: text/plain; charset=utf-8\n"
           "Content-Transfer-Encoding: 8bit\n"
           "\n" +
           std::string(body);
}

// mutt's layout of a PGP/MIME signed message (RFC 3156 §5).
inline std::string pgp_mime_signed() {
    return std::string(envelope_headers) +
           "Content-Type: multipart/signed; micalg=pgp-sha256;\n"
           "\tprotocol=\"application/pgp-signature\"; boundary=\"sig-b0undary\"\n"
           "Content-Disposition: inline\n"
           "\n"
           "--sig-b0undary\n"
           "Content-Type: text/plain; charset=us-ascii\n"
           "Content-Disposition: inline\n"
           "\n"
           "Signed text.\n"
           "\n"
           "--sig-b0undary\n"
           "Content-Type: application/pgp-signature; name=\"signature.asc\"\n"
           "Content-Description: PGP signature\n"
           "\n" +
           std::string(pgp_signature) + "--sig-b0undary--\n";
}

// Thunderbird's layout of a PGP/MIME encrypted message (RFC 3156 §4).
inline std::string pgp_mime_encrypted(std::string_view boundary = "enc-b0undary") {
    std::string b(boundary);
    return "Content-Type: multipart/encrypted;\n"
           " protocol=\"application/pgp-encrypted\";\n"
           " boundary=\"" +
           b +
           "\"\n"
           "\n"
           "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\n"
           "--" +
           b +
           "\n"
           "Content-Type: application/pgp-encrypted\n"
           "Content-Description: PGP/MIME version identification\n"
           "\n"
           "Version: 1\n"
           "\n"
           "--" +
           b +
           "\n"
           "Content-Type: application/octet-stream; name=\"encrypted.asc\"\n"
           "Content-Description: OpenPGP encrypted message\n"
           "Content-Disposition: inline; filename=\"encrypted.asc\"\n"
           "\n" +
           std::string(pgp_message) + "\n--" + b + "--\n";
}

inline std::string with_envelope(std::string_view entity) {
    return std::string(envelope_headers) + std::string(entity);
}

}  // namespace sealpost::mime::fixtures
