package io.leakguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Fleet;
import io.leakguard.emulator.KeyView;
import io.leakguard.emulator.StateSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestFleetTest {

  private static final String ALLOW_ALL = """
      {"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";

  private final String home = SyntheticKeys.accountId();
  private final String member = SyntheticKeys.accountId();
  private final String rootKey = SyntheticKeys.accessKeyId();
  private final String rootSecret = SyntheticKeys.secret();
  private final String operatorKey = SyntheticKeys.accessKeyId();
  private final String operatorSecret = SyntheticKeys.secret();
  private final String aliceKey = SyntheticKeys.accessKeyId();
  private final String aliceSecret = SyntheticKeys.secret();

  private TestFleet.Account twoAccounts() {
    return TestFleet.account(home).alias("it").rootKey(rootKey, rootSecret).policy("Everything", ALLOW_ALL)
        .user("leakguard", u -> u.key(operatorKey, operatorSecret).customPolicy("Everything")
            .systemPolicy("AliyunSTSAssumeRoleAccess"))
        .and().account(member)
        .user("alice", u -> u.email("alice@example.com").key(aliceKey, aliceSecret, Instant.parse("2026-01-01T00:00:00Z")))
        .user("bob")
        .role("leakguard", r -> r.description("LeakGuard's way in").trustAccount(home)
            .maxSessionDuration(Duration.ofHours(2)).systemPolicy("AliyunRAMFullAccess"))
        .secret("alice-ak", s -> s.type("RAMCredentials")
            .extendedConfig("{\"SecretSubType\":\"RamUserAccessKey\",\"UserName\":\"alice\"}")
            .version("v1", "{\"AccessKeyId\":\"" + aliceKey + "\"}", "ACSCurrent"));
  }

  @Test
  void shouldSeedTheAccountsUsersKeysAndRolesItDescribes() {
    // Given a fleet of a home account and a member account, When it is seeded into an emulator
    Emulator emulator = Emulator.builder().build();
    twoAccounts().seed(emulator);

    // Then each key exists with its owner, status and date
    KeyView root = emulator.state().key(rootKey).orElseThrow();
    assertTrue(root.isRoot());
    assertEquals(home, root.accountId());
    KeyView operator = emulator.state().key(operatorKey).orElseThrow();
    assertEquals("leakguard", operator.userName());
    assertEquals("Active", operator.status());
    KeyView alice = emulator.state().key(aliceKey).orElseThrow();
    assertEquals(member, alice.accountId());
    assertEquals("alice", alice.userName());
    assertEquals("2026-01-01T00:00:00Z", alice.createDate());

    // And the users, policies and role are as asked
    StateSnapshot state = emulator.state().snapshot();
    assertEquals(Set.of(new StateSnapshot.AccountView(home, "it"), new StateSnapshot.AccountView(member, null)),
        Set.copyOf(state.accounts()));
    StateSnapshot.UserView leakguard = user(state, home, "leakguard");
    assertEquals(List.of("Custom:Everything", "System:AliyunSTSAssumeRoleAccess"), leakguard.policies());
    assertEquals("alice@example.com", user(state, member, "alice").email());
    assertEquals(List.of(), user(state, member, "bob").policies());
    assertEquals(List.of("Everything"), state.policies().stream().map(StateSnapshot.PolicyView::policyName).toList());
    StateSnapshot.RoleView role = state.roles().get(0);
    assertEquals(member, role.accountId());
    assertEquals(7200, role.maxSessionDuration());
    assertEquals("LeakGuard's way in", role.description());
    assertEquals(List.of("System:AliyunRAMFullAccess"), role.policies());
    StateSnapshot.SecretView secret = state.secrets().get(0);
    assertEquals("RAMCredentials", secret.secretType());
    assertEquals(List.of(new StateSnapshot.SecretVersionView("v1", List.of("ACSCurrent"), secret.versions().get(0)
        .createTime(), aliceKey)), secret.versions());
  }

  @Test
  void shouldWriteTheFleetTheHandWrittenSeedDescribed() {
    // The form the tests used to type out, field for field
    Fleet handWritten = Fleet.parse("""
        {"accounts":[
          {"accountId":"%1$s","alias":"it","rootKeys":[{"accessKeyId":"%3$s","accessKeySecret":"%4$s"}],
           "policies":[{"policyName":"Everything","policyDocument":%9$s}],
           "users":[{"userName":"leakguard","accessKeys":[{"accessKeyId":"%5$s","accessKeySecret":"%6$s"}],
                     "policies":[{"policyName":"Everything","policyType":"Custom"},
                                 {"policyName":"AliyunSTSAssumeRoleAccess","policyType":"System"}]}]},
          {"accountId":"%2$s",
           "users":[{"userName":"alice","email":"alice@example.com","accessKeys":[
                      {"accessKeyId":"%7$s","accessKeySecret":"%8$s","createDate":"2026-01-01T00:00:00Z"}]},
                    {"userName":"bob"}],
           "roles":[{"roleName":"leakguard","description":"LeakGuard's way in","maxSessionDuration":7200,
             "assumeRolePolicyDocument":{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
               "Principal":{"RAM":["acs:ram::%1$s:root"]}}]},
             "policies":[{"policyName":"AliyunRAMFullAccess","policyType":"System"}]}],
           "secrets":[{"secretName":"alice-ak","secretType":"RAMCredentials",
             "extendedConfig":{"SecretSubType":"RamUserAccessKey","UserName":"alice"},
             "versions":[{"versionId":"v1","stages":["ACSCurrent"],"secretData":"{\\"AccessKeyId\\":\\"%7$s\\"}"}]}]}]}
        """.formatted(home, member, rootKey, rootSecret, operatorKey, operatorSecret, aliceKey, aliceSecret,
        ALLOW_ALL));

    assertEquals(handWritten, Fleet.parse(twoAccounts().toJson()));
  }

  @Test
  void shouldEscapeWhatItWrites() {
    String json = TestFleet.account(home).user("alice", u -> u.email("\"alice\" <alice@example.com>\\")).toJson();

    assertEquals("\"alice\" <alice@example.com>\\", Fleet.parse(json).accounts().get(0).users().get(0).email());
  }

  @Test
  void shouldRefuseAPolicyDocumentThatIsNotJson() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TestFleet.account(home).policy("Broken", "{\"Version\":"));

    assertTrue(e.getMessage().startsWith("policy Broken is not JSON"), e.getMessage());
  }

  private static StateSnapshot.UserView user(StateSnapshot state, String accountId, String userName) {
    return state.users().stream().filter(u -> u.accountId().equals(accountId) && u.userName().equals(userName))
        .findFirst().orElseThrow(() -> new AssertionError("no user " + userName + " in " + accountId));
  }
}
