package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.runtime.ServiceMain;
import io.leakguard.config.ConfigException;
import io.leakguard.schemas.RemediationMode;
import io.leakguard.schemas.RemediationStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemediationPolicyTest {

  private static final String ACCOUNT = "1000000000000001";
  private static final RemediationPolicy.IdOnly NOTIFY = RemediationPolicy.IdOnly.NOTIFY;

  @Test
  void shouldApplyTheBuiltInDefaultWithoutAFile() {
    assertEquals(new RemediationPolicy.Rule(RemediationMode.AUTO, RemediationStrategy.REPLACE_FIRST,
        RemediationStrategy.REVOKE_FIRST, false, RemediationStrategy.PURGE, null, NOTIFY),
        RemediationPolicy.builtIn().ruleFor(ACCOUNT, "alice", null));
  }

  @Test
  void shouldLetTheAccountThenTheUserOrRoleOverrideOnlyWhatTheySet() {
    RemediationPolicy policy = RemediationPolicy.parse("""
        {"default":{"mode":"auto","whenTwoKeys":"escalate"},
         "accounts":{"%s":{"mode":"approve","contain":true,
                           "users":{"ci-bot":{"mode":"auto","managedSecret":"ci-bot-ak"}},
                           "roles":{"App-Role":{"stsToken":"reincarnate"}}}}}
        """.formatted(ACCOUNT));

    assertEquals(new RemediationPolicy.Rule(RemediationMode.APPROVE, RemediationStrategy.REPLACE_FIRST,
        RemediationStrategy.ESCALATE, true, RemediationStrategy.PURGE, null, NOTIFY),
        policy.ruleFor(ACCOUNT, "alice", null));
    assertEquals(new RemediationPolicy.Rule(RemediationMode.AUTO, RemediationStrategy.REPLACE_FIRST,
        RemediationStrategy.ESCALATE, true, RemediationStrategy.PURGE, "ci-bot-ak", NOTIFY),
        policy.ruleFor(ACCOUNT, "ci-bot", null));
    assertEquals(RemediationStrategy.REINCARNATE, policy.ruleFor(ACCOUNT, null, "app-role").stsToken());
    assertEquals(RemediationMode.AUTO, policy.ruleFor("1000000000000002", "alice", null).mode());
  }

  @Test
  void shouldRejectABadEntryNamingIt() {
    for (var bad : Map.of(
        "{\"default\":{\"mode\":\"yolo\"}}", "default.mode: 'yolo' is not one of [approve, auto, dry-run]",
        "{\"accounts\":{\"123\":{}}}", "accounts.123: '123' is not a 16-digit account ID",
        "{\"accounts\":{\"" + ACCOUNT + "\":{\"users\":{\"bob\":{\"accessKey\":\"delete-all\"}}}}}",
        "accounts." + ACCOUNT + ".users.bob.accessKey: 'delete-all' is not one of [escalate, replace-first, "
            + "revoke-first]",
        "{\"default\":{\"whenTwoKeys\":\"replace-first\"}}",
        "default.whenTwoKeys: 'replace-first' is not one of [escalate, revoke-first]",
        "{\"default\":{\"stsToken\":\"rotate-secret\"}}",
        "default.stsToken: 'rotate-secret' is not one of [deny-new-ips, escalate, purge, reincarnate]",
        "{\"default\":{\"mode\":\"DRY_RUN\"}}", "default.mode: 'DRY_RUN' is not one of [approve, auto, dry-run]",
        "{\"default\":{\"idOnly\":\"ignore\"}}", "default.idOnly: 'ignore' is not one of [notify, rotate]",
        "{\"accounts\":{\"" + ACCOUNT + "\":{\"roles\":{\"r\":{\"stsToken\":\"purge\",\"colour\":1}}}}}",
        "accounts." + ACCOUNT + ".roles.r: unknown field 'colour'",
        "{\"default\":{\"contain\":\"yes\"}}", "default.contain: must be true or false",
        "[1]", "the policy must be a JSON object").entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> RemediationPolicy.parse(bad.getKey()));
      assertTrue(e.getMessage().startsWith(bad.getValue()), e.getMessage());
    }
  }

  @Test
  void shouldReadTheContainmentAndKnownNetworks() {
    RemediationPolicy policy = RemediationPolicy.parse("""
        {"default":{"contain":true,"knownNetworks":["198.51.100.0/24","2001:db8::/32"]},
         "accounts":{"%s":{"containment":"disable","roles":{"app":{"stsToken":"deny-new-ips",
                           "knownNetworks":["203.0.113.9"]}}}}}
        """.formatted(ACCOUNT));

    RemediationPolicy.Rule alice = policy.ruleFor("1000000000000002", "alice", null);
    assertEquals(RemediationPolicy.Containment.RESTRICT, alice.containment());
    assertEquals(List.of("198.51.100.0/24", "2001:db8::/32"), alice.knownNetworks());
    assertEquals(RemediationPolicy.Containment.DISABLE, policy.ruleFor(ACCOUNT, "alice", null).containment());
    RemediationPolicy.Rule app = policy.ruleFor(ACCOUNT, null, "app");
    assertEquals(RemediationStrategy.DENY_NEW_IPS, app.stsToken());
    assertEquals(List.of("203.0.113.9"), app.knownNetworks());
    for (var bad : Map.of(
        "{\"default\":{\"containment\":\"quarantine\"}}",
        "default.containment: 'quarantine' is not one of [disable, restrict]",
        "{\"default\":{\"knownNetworks\":\"10.0.0.0/8\"}}",
        "default.knownNetworks: must be an array of IP addresses or CIDR blocks",
        "{\"default\":{\"knownNetworks\":[\"office.example.com\"]}}",
        "default.knownNetworks: 'office.example.com' is not an IP address or CIDR block",
        "{\"default\":{\"knownNetworks\":[\"10.0.0.0/33\"]}}",
        "default.knownNetworks: '10.0.0.0/33' is not an IP address or CIDR block",
        "{\"default\":{\"knownNetworks\":[\"256.1.1.1\"]}}",
        "default.knownNetworks: '256.1.1.1' is not an IP address or CIDR block").entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> RemediationPolicy.parse(bad.getKey()));
      assertTrue(e.getMessage().startsWith(bad.getValue()), e.getMessage());
    }
  }

  @Test
  void shouldMergeAndValidateThePersistenceSweepSettings() {
    RemediationPolicy policy = RemediationPolicy.parse("""
        {"default":{"persistence":{"users":"report"}},
         "accounts":{"%s":{"persistence":{"policies":"report"}}}}
        """.formatted(ACCOUNT));

    Map<String, RemediationPolicy.Sweep> sweep = policy.ruleFor(ACCOUNT, "alice", null).persistence();
    assertEquals(RemediationPolicy.Sweep.REVERT, sweep.get("accessKeys"));
    assertEquals(RemediationPolicy.Sweep.REPORT, sweep.get("users"));
    assertEquals(RemediationPolicy.Sweep.REPORT, sweep.get("policies"));
    assertEquals(RemediationPolicy.Sweep.REVERT, sweep.get("loginProfiles"));
    assertEquals(RemediationPolicy.SWEEP_DEFAULTS, RemediationPolicy.builtIn().ruleFor(ACCOUNT, null, null)
        .persistence());
    for (var bad : Map.of(
        "{\"default\":{\"persistence\":{\"users\":\"revert\"}}}",
        "default.persistence.users: 'revert' is not one of [contain, report]",
        "{\"default\":{\"persistence\":{\"ecs\":\"revert\"}}}",
        "default.persistence.ecs: 'revert' is not one of [report]",
        "{\"default\":{\"persistence\":{\"groups\":\"report\"}}}",
        "default.persistence: unknown field 'groups'",
        "{\"default\":{\"persistence\":\"all\"}}", "default.persistence: must be an object").entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> RemediationPolicy.parse(bad.getKey()));
      assertTrue(e.getMessage().startsWith(bad.getValue()), e.getMessage());
    }
  }

  @Test
  void shouldStopTheServiceAtStartWhenThePolicyFileIsBad(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("policy.json");
    Files.writeString(file, "{\"default\":{\"stsToken\":\"nuke\"}}");
    var settings = ServiceMain.loader(new RemediatorApp()).load(Map.of(),
        List.of("--kafka.bootstrap.servers=x:9092", "--remediation.policy.file=" + file));

    ConfigException e = assertThrows(ConfigException.class, () -> RemediatorApp.policy(settings));
    assertTrue(e.getMessage().contains("remediation.policy.file") && e.getMessage().contains("default.stsToken"),
        e.getMessage());
  }

  @Test
  void shouldAcceptTheShippedExamplePolicy() {
    Path example = Path.of("../deploy/policies/example.json");
    RemediationPolicy policy = RemediationPolicy.load(example);
    assertEquals(RemediationMode.APPROVE, policy.ruleFor("1000000000000002", "alice", null).mode());
    assertEquals(RemediationPolicy.Sweep.REPORT, policy.ruleFor("1000000000000002", "alice", null).persistence()
        .get("users"));
  }
}
