package io.leakguard.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.notifier.channel.Recipient;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.Severity;
import io.leakguard.testkit.SyntheticKeys;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, io.leakguard.notifier.channel.Channel> channels = Map.of(
      "mail", new RecordingChannel("mail", "email"), "soc", new RecordingChannel("soc", "slack"));

  private Routing routing(String json) throws Exception {
    return Routing.withChannels(JSON.readTree(json), channels);
  }

  private static RemediationOutcome outcome(String account, String email, OwnerKind kind, RemediationStatus status,
      Severity severity) {
    RemediationOutcome o = Outcomes.rotated("inc", SyntheticKeys.accessKeyId(), null, Instant.now());
    return RemediationOutcome.newBuilder(o).setOwner(Owner.newBuilder(o.getOwner()).setAccountId(account)
        .setEmail(email).setMobilePhone("86-18600000000").build()).setOwnerKind(kind).setStatus(status)
        .setSeverity(severity).build();
  }

  private static List<String> keys(Routing.Route route) {
    return route.recipients().stream().map(r -> r.role() + " " + r.key() + " " + r.language()).toList();
  }

  @Test
  void shouldApplyTheFirstMatchingRuleWithItsLanguage() throws Exception {
    Routing routing = routing("""
        {"ownerChannel": "mail", "securityTeam": [{"channel": "soc"}], "language": "en",
         "accounts": {"1000000000000002": {"contacts": ["ops@example.com"], "language": "zh-CN"}},
         "rules": [{"match": {"statuses": ["failed"], "severities": ["HIGH", "CRITICAL"]},
                    "to": ["owner", "account-contacts", "security-team"]},
                   {"match": {"accounts": ["1000000000000002"]}, "to": ["owner"]}]}""");

    var failed = routing.route(outcome("1000000000000002", "a@example.com", OwnerKind.RAM_USER,
        RemediationStatus.FAILED, Severity.CRITICAL));
    var rotated = routing.route(outcome("1000000000000002", "a@example.com", OwnerKind.RAM_USER,
        RemediationStatus.ROTATED, Severity.CRITICAL));
    var elsewhere = routing.route(outcome("1000000000000009", "b@example.com", OwnerKind.RAM_USER,
        RemediationStatus.ROTATED, Severity.LOW));

    assertEquals(List.of("owner mail:a@example.com zh-CN", "account-contacts mail:ops@example.com zh-CN",
        "security-team soc:group zh-CN"), keys(failed));
    assertEquals("86-18600000000", failed.recipients().get(0).mobile());
    assertEquals(List.of("owner mail:a@example.com zh-CN"), keys(rotated));
    assertEquals(List.of("owner mail:b@example.com en", "security-team soc:group en"), keys(elsewhere),
        "no rule matches: the owner and the security team");
  }

  @Test
  void shouldKeepRootAndOutsideKeysForTheSecurityTeamByDefault() throws Exception {
    Routing routing = routing("{\"ownerChannel\": \"mail\", \"securityTeam\": [{\"channel\": \"soc\"}]}");

    for (OwnerKind kind : List.of(OwnerKind.ROOT_ACCOUNT, OwnerKind.OUTSIDE_FLEET)) {
      var route = routing.route(outcome("1000000000000001", "root@example.com", kind, RemediationStatus.ESCALATED,
          Severity.CRITICAL));
      assertEquals(List.of(Recipient.SECURITY_TEAM), route.recipients().stream().map(Recipient::role).toList());
    }
  }

  @Test
  void shouldSayWhenNobodyButTheSecurityTeamCouldBeToldForAnOwner() throws Exception {
    Routing routing = routing("{\"ownerChannel\": \"mail\", \"securityTeam\": [{\"channel\": \"soc\"}]}");

    var route = routing.route(outcome("1000000000000001", "", OwnerKind.RAM_USER, RemediationStatus.ROTATED,
        Severity.HIGH));

    assertEquals(List.of("security-team soc:group en"), keys(route));
    assertTrue(route.notes().get(0).contains("no e-mail address in RAM and account 1000000000000001 has no "
        + "contacts"), route.notes().toString());
  }

  @Test
  void shouldNameTheEntryOfEveryMistake() {
    Map<String, String> mistakes = Map.of(
        "{\"ownerChannel\": \"nope\", \"securityTeam\": [{\"channel\": \"soc\"}]}", "ownerChannel: no channel named",
        "{\"ownerChannel\": \"soc\", \"securityTeam\": [{\"channel\": \"soc\"}]}", "owners are told by e-mail",
        "{\"securityTeam\": []}", "securityTeam: at least one",
        "{\"securityTeam\": [{\"channel\": \"mail\"}]}", "securityTeam[0].email: required",
        "{\"securityTeam\": [{\"channel\": \"soc\"}], \"rules\": [{\"match\": {\"statuses\": [\"DONE\"]}, "
            + "\"to\": [\"owner\"]}]}", "rules[0].match.statuses[0]: 'DONE' is not one of",
        "{\"securityTeam\": [{\"channel\": \"soc\"}], \"rules\": [{\"to\": [\"boss\"]}]}", "rules[0].to[0]: 'boss'",
        "{\"securityTeam\": [{\"channel\": \"soc\"}], \"language\": \"fr\"}", "language: 'fr' is not a language",
        "{\"securityTeam\": [{\"channel\": \"soc\"}], \"colour\": \"red\"}", "colour is not a field here",
        "{\"securityTeam\": [{\"channel\": \"soc\"}], \"accounts\": {\"12\": {}}}", "accounts.12: an account ID");
    mistakes.forEach((json, expected) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> routing(json), json);
      assertTrue(e.getMessage().contains(expected), json + " -> " + e.getMessage());
    });
  }

  @Test
  void shouldRefuseACredentialWrittenInTheFile() throws Exception {
    var e = assertThrows(IllegalArgumentException.class, () -> Routing.parse(JSON.readTree("""
        {"channels": {"soc": {"type": "webhook", "url": "https://soar.example.com/hook", "secret": "inline"}},
         "securityTeam": [{"channel": "soc"}]}"""), Map.of()));

    assertTrue(e.getMessage().contains("channels.soc.secret: a credential is never written in the routing file"),
        e.getMessage());
    assertTrue(!e.getMessage().contains("inline"), "the error must not repeat the value");
  }
}
