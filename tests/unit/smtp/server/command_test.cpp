#include "smtp/server/command.hpp"

#include <gtest/gtest.h>

namespace sealpost::smtp::server {

namespace {

template <typename T>
T accepted(const Parsed<T>& parsed) {
    if (const Reply* reply = std::get_if<Reply>(&parsed)) {
        ADD_FAILURE() << "refused: " << reply->code << " " << reply->enhanced << " " << reply->text;
        return T{};
    }
    return std::get<T>(parsed);
}

template <typename T>
Reply refused(const Parsed<T>& parsed) {
    if (!std::holds_alternative<Reply>(parsed)) {
        ADD_FAILURE() << "accepted";
        return Reply{};
    }
    return std::get<Reply>(parsed);
}

}  // namespace

TEST(Command, SplitsVerbAndArgumentCaseInsensitively) {
    CommandLine line = accepted(parse_command("mail FROM:<a@b.example>  "));
    EXPECT_EQ(line.verb, "MAIL");
    EXPECT_EQ(line.argument, "FROM:<a@b.example>");
    EXPECT_EQ(accepted(parse_command("QUIT")).argument, "");
    EXPECT_EQ(accepted(parse_command("EhLo   client.example")).argument, "client.example");
}

TEST(Command, RefusesControlCharactersAndOddVerbs) {
    Reply nul = refused(parse_command(std::string("NOOP\0x", 6)));
    EXPECT_EQ(nul.code, 500);
    EXPECT_EQ(nul.enhanced, "5.5.2");
    EXPECT_EQ(refused(parse_command("NOOP\rRSET")).code, 500);
    EXPECT_EQ(refused(parse_command("")).code, 500);
    EXPECT_EQ(refused(parse_command(" NOOP")).code, 500);
    EXPECT_EQ(refused(parse_command("NO0P")).code, 500);
}

TEST(MailFrom, TakesPathAndParameters) {
    MailFrom mail =
        accepted(parse_mail_from("FROM:<alice@example.org> SIZE=1024 BODY=8bitmime AUTH=<>"));
    EXPECT_EQ(mail.sender, "alice@example.org");
    EXPECT_EQ(mail.declared_size, 1024u);
    EXPECT_EQ(mail.body, BodyType::EightBitMime);
    EXPECT_FALSE(mail.smtputf8);
    EXPECT_EQ(accepted(parse_mail_from("from: <a@b.example>")).sender, "a@b.example");
    EXPECT_EQ(accepted(parse_mail_from("FROM:<a@b.example> BODY=7BIT")).body, BodyType::SevenBit);
}

TEST(MailFrom, NullReversePath) {
    MailFrom mail = accepted(parse_mail_from("FROM:<>"));
    EXPECT_EQ(mail.sender, "");
}

TEST(MailFrom, Smtputf8ParameterAllowsUtf8Address) {
    Reply without = refused(parse_mail_from("FROM:<j\xc3\xb6rg@example.org>"));
    EXPECT_EQ(without.code, 553);
    EXPECT_EQ(without.enhanced, "5.6.7");
    MailFrom mail = accepted(parse_mail_from("FROM:<j\xc3\xb6rg@example.org> SMTPUTF8"));
    EXPECT_TRUE(mail.smtputf8);
    EXPECT_EQ(mail.sender, "j\xc3\xb6rg@example.org");
}

TEST(MailFrom, RefusesBadParametersWith555) {
    for (const char* argument :
         {"FROM:<a@b.example> SIZE=", "FROM:<a@b.example> SIZE=12x", "FROM:<a@b.example> SIZE",
          "FROM:<a@b.example> BODY=BINARYMIME", "FROM:<a@b.example> SMTPUTF8=yes",
          "FROM:<a@b.example> RET=FULL", "FROM:<a@b.example> SIZE=1 SIZE=2",
          "FROM:<a@b.example> =x", "FROM:<a@b.example> AUTH"}) {
        Reply reply = refused(parse_mail_from(argument));
        EXPECT_EQ(reply.code, 555) << argument;
        EXPECT_EQ(reply.enhanced, "5.5.4") << argument;
    }
}

TEST(MailFrom, HugeSizeSaturates) {
    EXPECT_EQ(
        accepted(parse_mail_from("FROM:<a@b.example> SIZE=99999999999999999999")).declared_size,
        UINT64_MAX);
}

TEST(MailFrom, RefusesBadSenderWith501NamingTheProblem) {
    Reply missing = refused(parse_mail_from("FROM:alice@example.org"));
    EXPECT_EQ(missing.code, 501);
    EXPECT_EQ(missing.enhanced, "5.1.7");
    EXPECT_NE(missing.text.find("<>"), std::string::npos);

    Reply space = refused(parse_mail_from("FROM:<john doe@example.org>"));
    EXPECT_EQ(space.code, 501);
    EXPECT_NE(space.text.find("space outside quotes"), std::string::npos);

    Reply long_local = refused(parse_mail_from("FROM:<" + std::string(65, 'a') + "@b.example>"));
    EXPECT_EQ(long_local.code, 501);
    EXPECT_NE(long_local.text.find("64"), std::string::npos);

    EXPECT_EQ(refused(parse_mail_from("<a@b.example>")).code, 501);
    EXPECT_EQ(refused(parse_mail_from("FROM:<a@b.example>SIZE=1")).code, 501);
}

TEST(MailFrom, InjectionAttemptsNeverGetThrough) {
    // A command line never holds CR or LF (they end it), but a path must refuse them anyway.
    for (std::string argument :
         {std::string("FROM:<a@b.example\r\nRCPT TO:<x@evil.example>>"),
          std::string("FROM:<a@b.example>\r\nDATA"), std::string("FROM:<a\n@b.example>"),
          std::string("FROM:<a@b.example\0>", 20)}) {
        EXPECT_TRUE(std::holds_alternative<Reply>(parse_mail_from(argument))) << argument;
    }
    EXPECT_TRUE(std::holds_alternative<Reply>(parse_command("MAIL FROM:<a@b.example>\r\nDATA")));
}

TEST(RcptTo, TakesPathAndPostmaster) {
    EXPECT_EQ(accepted(parse_rcpt_to("TO:<bob@example.org>", false)).recipient, "bob@example.org");
    EXPECT_EQ(accepted(parse_rcpt_to("to:<Postmaster>", false)).recipient, "Postmaster");
    EXPECT_EQ(accepted(parse_rcpt_to("TO:<@hop.example:bob@example.org>", false)).recipient,
              "bob@example.org");
}

TEST(RcptTo, RefusesNullPathParametersAndBadAddresses) {
    Reply null_path = refused(parse_rcpt_to("TO:<>", false));
    EXPECT_EQ(null_path.code, 501);
    EXPECT_EQ(null_path.enhanced, "5.1.3");
    Reply notify = refused(parse_rcpt_to("TO:<bob@example.org> NOTIFY=NEVER", false));
    EXPECT_EQ(notify.code, 555);
    EXPECT_NE(notify.text.find("NOTIFY"), std::string::npos);
    EXPECT_EQ(refused(parse_rcpt_to("TO:bob@example.org", false)).code, 501);
    EXPECT_EQ(refused(parse_rcpt_to("FROM:<bob@example.org>", false)).code, 501);
    EXPECT_EQ(refused(parse_rcpt_to("TO:<b\xc3\xb6@example.org>", false)).code, 553);
    EXPECT_EQ(accepted(parse_rcpt_to("TO:<b\xc3\xb6@example.org>", true)).recipient,
              "b\xc3\xb6@example.org");
}

}  // namespace sealpost::smtp::server
