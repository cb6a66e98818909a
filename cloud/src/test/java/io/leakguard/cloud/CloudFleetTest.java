package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.CloudFleet.OwnerSearch;
import io.leakguard.emulator.Emulator;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Multi-account: assumed roles per member account, cached credentials, fleet-wide owner search. */
class CloudFleetTest {

  private final String home = SyntheticKeys.accountId();
  private final String member1 = SyntheticKeys.accountId();
  private final String member2 = SyntheticKeys.accountId();
  private final String untrusting = SyntheticKeys.accountId();
  private final String operatorId = SyntheticKeys.accessKeyId();
  private final String operatorSecret = SyntheticKeys.secret();
  private final String bobKey = SyntheticKeys.accessKeyId();
  private final String carolKey = SyntheticKeys.accessKeyId();
  private Emulator emulator;
  private CloudFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.Builder seed = TestFleet.account(home)
        .policy("AssumeMemberRoles", """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}""")
        .user("leakguard", u -> u.key(operatorId, operatorSecret).customPolicy("AssumeMemberRoles"))
        .and();
    member(seed, member1, home, "bob", bobKey);
    member(seed, member2, home, "carol", carolKey);
    member(seed, untrusting, SyntheticKeys.accountId(), "dave", SyntheticKeys.accessKeyId());
    seed.seed(emulator);
    Map<String, String> members = new LinkedHashMap<>();
    for (String account : new String[] {member1, member2, untrusting}) {
      members.put(account, "acs:ram::" + account + ":role/leakguard");
    }
    fleet = CloudFleet.with(CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        new FleetSettings(members, "leakguard-test", Duration.ofHours(1)),
        new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
  }

  /** A member account whose leakguard role trusts {@code trusted}, with one user and key. */
  private static void member(TestFleet.Builder fleet, String account, String trusted, String user, String key) {
    fleet.account(account)
        .role("leakguard", r -> r.trustAccount(trusted).systemPolicy("AliyunRAMFullAccess"))
        .user(user, u -> u.key(key, SyntheticKeys.secret()));
  }

  @AfterEach
  void tearDown() {
    fleet.close();
    emulator.close();
  }

  @Test
  void shouldFindTheOwnerInAMemberAccountThroughItsRole() throws Exception {
    OwnerSearch search = fleet.findOwner(carolKey);

    assertEquals(member2, search.owner().orElseThrow().accountId());
    assertEquals("carol", search.owner().orElseThrow().owner().user().userName());
    // The untrusting account could not be searched, but the key was found elsewhere: the search is conclusive.
    assertTrue(search.failedAccounts().containsKey(untrusting), search.failedAccounts().toString());
    assertFalse(search.inconclusive());
  }

  @Test
  void shouldCacheAssumedRoleCredentialsAcrossCalls() throws Exception {
    fleet.findOwner(bobKey);
    fleet.findOwner(carolKey);
    fleet.account(member1).ram().listUsers();

    assertEquals(1, fleet.assumedCount(member1));
    assertEquals(1, fleet.assumedCount(member2));
  }

  @Test
  void shouldCallAnUnknownKeyInconclusiveWhenAnAccountCouldNotBeSearched() throws Exception {
    OwnerSearch search = fleet.findOwner(SyntheticKeys.accessKeyId());

    assertTrue(search.owner().isEmpty());
    assertTrue(search.inconclusive());
    assertEquals(1, search.failedAccounts().size());
  }

  @Test
  void shouldActInTheHomeAccountWithLeakGuardsOwnCredentials() throws Exception {
    assertEquals(home, fleet.homeAccountId());
    assertEquals("acs:ram::" + home + ":user/leakguard", fleet.home().sts().callerIdentity().arn());
    assertEquals("AssumedRoleUser", fleet.account(member1).sts().callerIdentity().identityType());
  }

  @Test
  void shouldRefuseAnAccountOutsideTheFleet() {
    CloudException e = assertThrows(CloudException.class, () -> fleet.account(SyntheticKeys.accountId()));
    assertEquals(CloudErrorClass.NOT_FOUND, e.errorClass());
  }
}
