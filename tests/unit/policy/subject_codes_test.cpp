// Subject codes: every code at the start and at the end, --pgpk with and without an address,
// and the words that look like codes but are not.
#include <gtest/gtest.h>

#include "decision_test_support.hpp"
#include "policy/subject_codes.hpp"

namespace sealpost::policy {

namespace {

using testing::row_name;

// "pgps pgpe pgpx pgpk <addr>..."
std::string summary(const SubjectCodes& codes) {
    std::string out;
    auto add = [&out](bool present, std::string_view word) {
        if (present) {
            out += out.empty() ? "" : " ";
            out += word;
        }
    };
    add(codes.sign, "pgps");
    add(codes.encrypt, "pgpe");
    add(codes.must_encrypt, "pgpx");
    add(codes.send_own_key, "pgpk");
    for (const std::string& address : codes.key_requests) {
        add(true, "<" + address + ">");
    }
    return out;
}

struct CodeRow {
    std::string name;
    std::string subject;
    std::string text;   // the Subject that goes on
    std::string codes;  // summary() of the codes found
};

void PrintTo(const CodeRow& row, std::ostream* out) {
    *out << row.name;
}

class SubjectCodeTable : public ::testing::TestWithParam<CodeRow> {};

TEST_P(SubjectCodeTable, Parse) {
    const CodeRow& row = GetParam();
    ParsedSubject parsed = parse_subject(row.subject);
    EXPECT_EQ(parsed.text, row.text);
    EXPECT_EQ(summary(parsed.codes), row.codes);
}

const CodeRow code_rows[] = {
    {"NoCodeLeavesSubject", "Hello", "Hello", ""},
    {"PgpsAtStart", "--pgps Hello", "Hello", "pgps"},
    {"PgpsAtEnd", "Hello --pgps", "Hello", "pgps"},
    {"PgpeAtStart", "--pgpe Quarterly figures", "Quarterly figures", "pgpe"},
    {"PgpeAtEnd", "Quarterly figures --pgpe", "Quarterly figures", "pgpe"},
    {"PgpxAtStart", "--pgpx Contract", "Contract", "pgpx"},
    {"PgpxAtEnd", "Contract --pgpx", "Contract", "pgpx"},
    {"PgpkAtStart", "--pgpk", "", "pgpk"},
    {"PgpkAtStartWithText", "--pgpk my key please", "my key please", "pgpk"},
    {"PgpkAtEnd", "my key please --pgpk", "my key please", "pgpk"},
    {"PgpkAddressAtStart", "--pgpk<frank@example.com>", "", "<frank@example.com>"},
    {"PgpkAddressAtStartWithText", "--pgpk<frank@example.com> hi", "hi", "<frank@example.com>"},
    {"PgpkAddressAtEnd", "hi --pgpk<frank@example.com>", "hi", "<frank@example.com>"},
    {"PgpkAddressKeepsItsCase", "--pgpk<Frank@Example.COM>", "", "<Frank@Example.COM>"},
    {"PgpkAddressRequestedTwiceCountsOnce", "--pgpk<a@example.com> --pgpk<A@example.com>", "",
     "<a@example.com>"},
    {"PgpkOwnAndAddressTogether", "--pgpk --pgpk<dave@remote.org>", "", "pgpk <dave@remote.org>"},
    {"PgpkEmptyAddressIsNoCode", "--pgpk<> hi", "--pgpk<> hi", ""},
    {"PgpkAddressWithBracketIsNoCode", "--pgpk<a<b@example.com> hi", "--pgpk<a<b@example.com> hi",
     ""},
    {"PgpkBlankBeforeAddressLeavesAddressInSubject", "--pgpk <dave@remote.org>",
     "<dave@remote.org>", "pgpk"},
    {"UpperCaseCode", "--PGPE Hello", "Hello", "pgpe"},
    {"MixedCaseCode", "Hello --PgPx", "Hello", "pgpx"},
    {"UpperCasePgpkAddress", "--PGPK<dave@remote.org>", "", "<dave@remote.org>"},
    {"EmDashFromPhone", "\xE2\x80\x94pgpx Hello", "Hello", "pgpx"},
    {"EnDashFromPhone", "Hello \xE2\x80\x93pgpe", "Hello", "pgpe"},
    {"SingleDashIsNoCode", "-pgpe Hello", "-pgpe Hello", ""},
    {"SeveralCodesAtStart", "--pgps --pgpe Hello", "Hello", "pgps pgpe"},
    {"SeveralCodesAtEnd", "Hello --pgps --pgpx", "Hello", "pgps pgpx"},
    {"CodesAtBothEnds", "--pgps Hello --pgpe", "Hello", "pgps pgpe"},
    {"RepeatedCodeCountsOnce", "--pgpe --pgpe Hello", "Hello", "pgpe"},
    {"OnlyACode", "--pgpe", "", "pgpe"},
    {"OnlyCodesAndBlanks", "  --pgpe \t --pgps  ", "", "pgps pgpe"},
    {"CodeInTheMiddleIsText", "About --pgpe usage", "About --pgpe usage", ""},
    {"CodeAfterReplyPrefixIsText", "Re: --pgpe Hello", "Re: --pgpe Hello", ""},
    {"CodeGluedToNextWordIsText", "--pgpeHello", "--pgpeHello", ""},
    {"CodeGluedToPreviousWordIsText", "Hello--pgpe", "Hello--pgpe", ""},
    {"LongerWordIsText", "--pgpextra Hello", "--pgpextra Hello", ""},
    {"UnknownCodeIsText", "--pgpz Hello", "--pgpz Hello", ""},
    {"TabSeparatesCode", "--pgpe\tHello", "Hello", "pgpe"},
    {"BlanksKeptWithoutCode", "  Hello  ", "  Hello  ", ""},
    {"BlanksNextToCodeRemoved", "  --pgpe   Hello world", "Hello world", "pgpe"},
    {"TrailingBlanksKeptAfterLeadingCode", "--pgpe Hello  ", "Hello  ", "pgpe"},
    {"EmptySubject", "", "", ""},
    {"Utf8TextKept",
     "--pgpe Gr\xC3\xBC\xC3\x9F"
     "e",
     "Gr\xC3\xBC\xC3\x9F"
     "e",
     "pgpe"},
};

INSTANTIATE_TEST_SUITE_P(Codes, SubjectCodeTable, ::testing::ValuesIn(code_rows),
                         row_name<CodeRow>);

}  // namespace

}  // namespace sealpost::policy
