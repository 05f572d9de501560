#include "common/log.hpp"

#include <gtest/gtest.h>

namespace sealpost::log {

TEST(LogFields, PlainValuesStayBare) {
    EXPECT_EQ(format_fields({{"queue", "4F2A"}, {"count", 3}}), "queue=4F2A count=3");
}

TEST(LogFields, ValuesWithSpacesQuotesOrControlsAreQuoted) {
    EXPECT_EQ(format_fields({{"why", "no key"}}), "why=\"no key\"");
    EXPECT_EQ(format_fields({{"x", "a\"b"}}), "x=\"a\\\"b\"");
    EXPECT_EQ(format_fields({{"x", "a\nb"}}), "x=\"a\\x0ab\"");
    EXPECT_EQ(format_fields({{"x", ""}}), "x=\"\"");
}

}  // namespace sealpost::log
