#include "common/error.hpp"
#include "keystore/store.hpp"

namespace sealpost::keystore {

namespace {
constexpr std::pair<Origin, const char*> origin_names[] = {
    {Origin::Generated, "generated"},
    {Origin::Imported, "imported"},
    {Origin::AutoImported, "auto-imported"},
    {Origin::Pka, "pka"},
    {Origin::Wkd, "wkd"},
    {Origin::Dane, "dane"},
    {Origin::Rkey, "rkey"},
    {Origin::Autocrypt, "autocrypt"},
};
}  // namespace

const char* to_string(Origin origin) {
    for (const auto& [value, name] : origin_names) {
        if (value == origin)
            return name;
    }
    return "imported";
}

Origin parse_origin(const std::string& name) {
    for (const auto& [value, text] : origin_names) {
        if (name == text)
            return value;
    }
    throw Error(ErrorKind::BadInput, "unknown key origin '" + name + "'");
}

}  // namespace sealpost::keystore
