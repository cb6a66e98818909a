package io.leakguard.notifier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.notifier.channel.Message;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.testkit.SyntheticKeys;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplatesTest {

  private final String leaked = SyntheticKeys.accessKeyId();
  private final String replacement = SyntheticKeys.accessKeyId();
  private final RemediationOutcome rotated = Outcomes.rotated("inc-7", leaked, replacement,
      Instant.parse("2026-11-22T10:00:00Z"));

  @Test
  void shouldSayWhatHappenedWhatWasDoneAndWhatToDoInEnglish() {
    Message m = Templates.render(Notice.of(rotated), "en", "inc-7|ROTATED|mail:a@example.com");

    for (String part : List.of(m.text(), m.markdown(), m.html())) {
      assertTrue(part.contains(rotated.getMaskedKey()), part);
      assertTrue(part.contains("alice"), part);
      assertTrue(part.contains(replacement), part);
      assertTrue(part.contains("leakguard/1000000000000001/alice"), part);
      assertTrue(part.contains("version inc-7"), part);
      assertTrue(part.contains("inc-7"), part);
      assertTrue(part.contains("35 ms after detection"), part);
      assertTrue(part.contains("What you must do now"), part);
      assertFalse(part.contains(leaked), "the leaked key appears masked only");
    }
    assertTrue(m.title().contains("was deleted and replaced"), m.title());
  }

  @Test
  void shouldListWhatTheLeakedKeyCreatedAndWhatWasDoneAboutIt() {
    String planted = SyntheticKeys.accessKeyId();
    RemediationOutcome swept = RemediationOutcome.newBuilder(rotated).setPersistence(List.of(
        io.leakguard.schemas.PersistenceAction.newBuilder().setEventId("e1").setEventName("CreateAccessKey")
            .setEventTime(Instant.parse("2026-11-22T09:59:00Z")).setSourceIp("203.0.113.66")
            .setActorAccessKeyId(leaked).setUserName("bob").setCreatedAccessKeyId(planted)
            .setHandling("reverted: deleted AccessKey " + planted + " of bob").build())).build();

    Message m = Templates.render(Notice.of(swept), "en", "d");

    for (String part : List.of(m.text(), m.markdown(), m.html())) {
      assertTrue(part.contains("What the leaked key created or changed"), part);
      assertTrue(part.contains("CreateAccessKey for bob from 203.0.113.66 at 2026-11-22T09:59:00Z: reverted: "
          + "deleted AccessKey " + planted + " of bob"), part);
    }
    assertTrue(m.facts().get("persistence").toString().contains(planted), m.facts().toString());
    assertFalse(Templates.render(Notice.of(rotated), "en", "d").text().contains("created or changed"));
  }

  @Test
  void shouldSayHowTheWaitingKeyWasContained() {
    RemediationOutcome restricted = RemediationOutcome.newBuilder(rotated).setStatus(RemediationStatus.CONTAINED)
        .setNewAccessKeyId(null).setContainedBy("network policy").setKnownIps(List.of("198.51.100.7")).build();
    RemediationOutcome disabled = RemediationOutcome.newBuilder(restricted).setContainedBy("disabled").build();

    Message r = Templates.render(Notice.of(restricted), "en", "d");
    Message d = Templates.render(Notice.of(disabled), "en", "d");

    assertTrue(r.title().contains("was restricted to its known addresses"), r.title());
    assertTrue(r.text().contains("only [198.51.100.7] may use it, so its applications keep working"), r.text());
    assertFalse(r.text().contains("Disabled the key"), r.text());
    assertTrue(d.title().contains("was disabled while it waits for approval"), d.title());
    assertTrue(d.text().contains("Disabled the key (reversible)"), d.text());
    assertTrue(Templates.render(Notice.of(restricted), "zh-CN", "d").title().contains("仅允许已知地址"));
  }

  @Test
  void shouldSayWhatDenyNewIpsDidToTheRole() {
    RemediationOutcome denied = RemediationOutcome.newBuilder(rotated).setStatus(RemediationStatus.NEUTRALIZED)
        .setKind(io.leakguard.schemas.CredentialKind.STS_TOKEN).setRoleName("ingest-worker")
        .setDenyPolicy("LeakGuardDenyNewIps-inc-7").setKnownIps(List.of("198.51.100.0/24")).build();

    Message m = Templates.render(Notice.of(denied), "en", "d");

    assertTrue(m.text().contains("Attached the Deny policy LeakGuardDenyNewIps-inc-7 to role ingest-worker: every "
        + "token of the role works only from [198.51.100.0/24]"), m.text());
    assertFalse(m.text().contains("Detached"), m.text());
  }

  @Test
  void shouldSayTheSameInChinese() {
    Message m = Templates.render(Notice.of(rotated), "zh-CN", "d");

    assertTrue(m.title().contains("已删除并轮换"), m.title());
    assertTrue(m.text().contains("您现在需要做什么"), m.text());
    assertTrue(m.text().contains("版本 inc-7"), m.text());
    assertTrue(m.html().contains("lang=\"zh-CN\""), m.html());
  }

  @Test
  void shouldEscapeWhatComesFromOutsideInHtml() {
    RemediationOutcome failed = RemediationOutcome.newBuilder(rotated).setStatus(RemediationStatus.FAILED)
        .setReason("<script>alert(1)</script>").build();

    Message m = Templates.render(Notice.of(failed), "en", "d");

    assertFalse(m.html().contains("<script>"), m.html());
    assertTrue(m.html().contains("&lt;script&gt;"), m.html());
  }
}
