#include "smtp/server/replies.hpp"

#include <gtest/gtest.h>

namespace sealpost::smtp::server {

TEST(Replies, DetailFillsTheSlotOrFollowsTheText) {
    Reply timeout = reply_for(Outcome::Timeout, "mx.example");
    EXPECT_EQ(timeout.code, 421);
    EXPECT_EQ(timeout.enhanced, "4.4.2");
    EXPECT_EQ(timeout.text, "mx.example Error: timeout exceeded");
    EXPECT_EQ(reply_for(Outcome::SyntaxError, "why").text, "Syntax error: why");
    EXPECT_EQ(reply_for(Outcome::SyntaxError).text, "Syntax error");
}

TEST(Replies, EveryOutcomeHasAFittingCode) {
    for (int i = 0; i <= static_cast<int>(Outcome::XforwardInTransaction); ++i) {
        Reply reply = reply_for(static_cast<Outcome>(i), "host");
        EXPECT_GE(reply.code, 200) << i;
        EXPECT_LE(reply.code, 599) << i;
        EXPECT_FALSE(reply.text.empty()) << i;
        if (!reply.enhanced.empty()) {
            EXPECT_EQ(reply.enhanced[0] - '0', reply.code / 100) << i;
        }
    }
}

TEST(Replies, FormatsLinesAndNeutralisesControlCharacters) {
    EXPECT_EQ(format_reply(Reply{250, "2.0.0", "Ok"}), "250 2.0.0 Ok\r\n");
    EXPECT_EQ(format_reply(Reply{220, "", "a\nb"}), "220-a\r\n220 b\r\n");
    EXPECT_EQ(format_reply(Reply{334, "", ""}), "334 \r\n");
    EXPECT_EQ(format_reply(Reply{550, "5.0.0", "x\ry\x01z"}), "550 5.0.0 x y z\r\n");
    EXPECT_EQ(format_reply(Reply{250, "", std::string(600, 'a')}).size(), 4u + 500u + 2u);
}

}  // namespace sealpost::smtp::server
