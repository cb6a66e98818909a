package io.leakguard.notifier.channel;

import io.leakguard.testkit.SyntheticKeys;
import java.util.LinkedHashMap;
import java.util.Map;

/** Messages as the notifier core renders them, in English and in Chinese. */
final class Messages {

  static final String MARKDOWN = "## AccessKey rotated\n"
      + "**Key** `LTAI****wxyz` was *deleted* after 35 ms.\n"
      + "- new key stored in KMS\n"
      + "- owner: alice & bob <ops>\n"
      + "[Runbook](https://wiki.example.com/runbook?a=1&b=2)";

  private Messages() {}

  static Map<String, Object> facts(String incidentId, String status) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("incidentId", incidentId);
    facts.put("status", status);
    facts.put("maskedAccessKeyId", "LTAI****wxyz");
    facts.put("detectionToNeutralizationMillis", 35);
    return facts;
  }

  static Message english(String status) {
    return new Message("dlv-" + SyntheticKeys.random(12), "inc-1", status, "en",
        "Leaked AccessKey LTAI****wxyz " + status.toLowerCase(java.util.Locale.ROOT),
        "The leaked AccessKey LTAI****wxyz was deleted after 35 ms.\nA new key is in KMS.", MARKDOWN,
        "<p>The leaked AccessKey was deleted.</p>", facts("inc-1", status));
  }

  static Message chinese() {
    return new Message("dlv-" + SyntheticKeys.random(12), "inc-2", "ROTATED", "zh-CN",
        "AccessKey 已轮换:泄露的密钥已删除",
        "泄露的 AccessKey LTAI****wxyz 已在 35 毫秒后删除。\n新的密钥已保存到 KMS。",
        "## 已轮换\n**泄露的 AccessKey** `LTAI****wxyz` 已删除。\n- 新的密钥已保存到 KMS",
        "<p>泄露的 AccessKey 已删除。</p>", facts("inc-2", "ROTATED"));
  }

  static Recipient group() {
    return new Recipient("soc", Recipient.SECURITY_TEAM, null, null, "en");
  }

  static Recipient owner(String mobile) {
    return new Recipient("soc", Recipient.OWNER, null, mobile, "en");
  }
}
