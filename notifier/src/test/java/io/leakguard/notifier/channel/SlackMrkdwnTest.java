package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Markdown to Slack mrkdwn, per https://api.slack.com/reference/surfaces/formatting. */
class SlackMrkdwnTest {

  @Test
  void shouldConvertTheNoticeMarkdown() {
    assertEquals("*AccessKey rotated*\n"
            + "*Key* `LTAI****wxyz` was _deleted_ after 35 ms.\n"
            + "• new key stored in KMS\n"
            + "• owner: alice &amp; bob &lt;ops&gt;\n"
            + "<https://wiki.example.com/runbook?a=1&b=2|Runbook>",
        SlackMrkdwn.convert(Messages.MARKDOWN));
  }

  @Test
  void shouldTurnBothBoldSpellingsIntoOneAsterisk() {
    assertEquals("*a* and *b*, _c_", SlackMrkdwn.convert("**a** and __b__, *c*"));
  }

  @Test
  void shouldKeepCodeSpansAndArithmeticAsTheyAre() {
    assertEquals("`a*b*c` 2 * 3 * 4", SlackMrkdwn.convert("`a*b*c` 2 * 3 * 4"));
  }

  @Test
  void shouldEscapeWhatWouldBreakALink() {
    assertEquals("<https://x.example/a%7Cb|*see* &lt;this&gt;>", SlackMrkdwn.convert("[**see** <this>](https://x.example/a|b)"));
  }

  @Test
  void shouldLeaveChineseAlone() {
    assertEquals("*已轮换*\n*泄露的 AccessKey* 已删除。", SlackMrkdwn.convert("## 已轮换\n**泄露的 AccessKey** 已删除。"));
  }
}
