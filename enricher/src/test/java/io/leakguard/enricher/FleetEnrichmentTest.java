package io.leakguard.enricher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.ram.model.v20150501.CreateUserRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import io.leakguard.cloud.CloudCaller;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.cloud.Product;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Faults;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.Severity;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Enrichment against the emulator through the real SDK: owner, activity, suspicious use, severity, time bound. */
class FleetEnrichmentTest {

  private final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final String account = SyntheticKeys.accountId();
  private final String operatorId = SyntheticKeys.accessKeyId();
  private final String operatorSecret = SyntheticKeys.secret();
  private final String leakedId = SyntheticKeys.accessKeyId();
  private final String leakedSecret = SyntheticKeys.secret();
  private Emulator emulator;
  private CloudFleet fleet;
  private FleetEnrichment enrichment;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().clock(clock).build().start();
    TestFleet.account(account)
        .user("leakguard", u -> u.key(operatorId, operatorSecret).systemPolicy("ReadOnlyAccess"))
        .user("alice", u -> u.email("alice@example.com").key(leakedId, leakedSecret)
            .systemPolicy("AdministratorAccess"))
        .seed(emulator);
    fleet = CloudFleet.with(settings(), FleetSettings.single(),
        new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
    enrichment = enrichment(Duration.ofSeconds(10));
  }

  @AfterEach
  void tearDown() {
    enrichment.close();
    fleet.close();
    emulator.close();
  }

  private FleetEnrichment enrichment(Duration activityTimeout) {
    return new FleetEnrichment(fleet, new OwnerDirectory(fleet, Duration.ZERO, clock), activityTimeout,
        Duration.ofDays(7), clock, 8, 4);
  }

  private static LeakEnriched enrich(FleetEnrichment enrichment, LeakDetected leak) {
    try {
      return enrichment.enrich(leak, null).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  private LeakDetected leak(Instant sightedAt, CallerIdentity identity, Boolean live) {
    return LeakDetected.newBuilder()
        .setIncidentId("inc-1").setAccessKeyId(leakedId).setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey(KeyForms.mask(leakedId)).setSecretFingerprint(KeyForms.fingerprint(leakedSecret))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("test").build())
        .setTimeline(Timeline.newBuilder().setSightedAt(sightedAt).setDetectedAt(sightedAt).build())
        .setLive(live).setCallerIdentity(identity)
        .build();
  }

  private void callAs(String ip, com.aliyuncs.AcsRequest<?> request) throws CloudException {
    request.putHeaderParameter("X-Forwarded-For", ip);
    new CloudCaller(settings(), new StaticCredentialsProvider(new BasicCredentials(leakedId, leakedSecret)))
        .call(Product.RAM, request);
  }

  @Test
  void shouldFlagUseFromANewAddressAfterTheLeakAndListPersistence() throws Exception {
    // Given alice used her key from the office before the leak
    callAs("198.51.100.10", new ListUsersRequest());
    clock.advance(Duration.ofMinutes(1));
    Instant leakedAt = clock.instant();
    clock.advance(Duration.ofMinutes(1));

    // When, after the leak, an attacker uses it from elsewhere to create a user, and the leak is enriched
    CreateUserRequest createUser = new CreateUserRequest();
    createUser.setUserName("backdoor");
    callAs("203.0.113.9", createUser);
    callAs("198.51.100.10", new ListUsersRequest());
    LeakEnriched enriched = enrich(enrichment, leak(leakedAt, null, true));

    // Then the owner, the new address, the persistence event and a critical severity are on the record
    assertEquals(OwnerKind.RAM_USER, enriched.getOwnerKind());
    assertEquals("alice", enriched.getOwner().getUserName());
    assertEquals("alice@example.com", enriched.getOwner().getEmail());
    assertEquals(List.of("203.0.113.9"), enriched.getSuspiciousIps());
    assertTrue(enriched.getSuspicious());
    assertEquals(1, enriched.getPersistenceEvents().size());
    assertTrue(enriched.getPersistenceEvents().get(0).startsWith("CreateUser at "), enriched.getPersistenceEvents().toString());
    assertTrue(enriched.getUsedFromIps().containsAll(List.of("198.51.100.10", "203.0.113.9")));
    assertEquals(Severity.CRITICAL, enriched.getSeverity());
    assertFalse(enriched.getPartial());
    assertEquals(clock.instant(), enriched.getTimeline().getEnrichedAt());
  }

  @Test
  void shouldRateALiveKeyWithOrdinaryUseHigh() throws Exception {
    callAs("198.51.100.10", new ListUsersRequest());
    clock.advance(Duration.ofMinutes(1));

    LeakEnriched enriched = enrich(enrichment, leak(clock.instant(), null, true));

    assertTrue(enriched.getSuspiciousIps().isEmpty());
    assertEquals(Severity.HIGH, enriched.getSeverity());
  }

  @Test
  void shouldNameTheUserFromTheLeakedPairsOwnIdentityWithoutWalkingTheFleet() {
    CallerIdentity alice = CallerIdentity.newBuilder().setIdentityType("RAMUser").setAccountId(account)
        .setArn("acs:ram::" + account + ":user/alice").build();

    LeakEnriched enriched = enrich(enrichment, leak(clock.instant(), alice, true));

    assertEquals(OwnerKind.RAM_USER, enriched.getOwnerKind());
    assertEquals("alice", enriched.getOwner().getUserName());
    assertEquals("alice@example.com", enriched.getOwner().getEmail());
    assertFalse(enriched.getPartial());
  }

  @Test
  void shouldListTheOwnersAdminLevelPoliciesDirectAndThroughGroups() {
    // Given bob may do anything in RAM through a group's custom policy, and carol only reads through hers
    String bobKey = SyntheticKeys.accessKeyId();
    String carolKey = SyntheticKeys.accessKeyId();
    TestFleet.account(account)
        .policy("FullRam", """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:*"],"Resource":"*"}]}""")
        .policy("ReadApp", """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"kms:GetSecretValue","Resource":"*"}]}""")
        .user("bob", u -> u.key(bobKey, SyntheticKeys.secret()).customPolicy("ReadApp"))
        .user("carol", u -> u.key(carolKey, SyntheticKeys.secret()))
        .group("Ops", g -> g.member("bob").customPolicy("FullRam"))
        .group("Readers", g -> g.member("carol").member("bob").customPolicy("ReadApp").systemPolicy("ReadOnlyAccess"))
        .seed(emulator);

    // When the three keys' leaks are enriched
    LeakEnriched alice = enrich(enrichment, leak(clock.instant(), null, true));
    LeakEnriched bob = enrich(enrichment, LeakDetected.newBuilder(leak(clock.instant(), null, true))
        .setIncidentId("inc-bob").setAccessKeyId(bobKey).setMaskedKey(KeyForms.mask(bobKey)).build());
    LeakEnriched carol = enrich(enrichment, LeakDetected.newBuilder(leak(clock.instant(), null, true))
        .setIncidentId("inc-carol").setAccessKeyId(carolKey).setMaskedKey(KeyForms.mask(carolKey)).build());

    // Then alice's own AdministratorAccess and bob's group policy are admin-level, carol has none
    assertEquals(List.of("System:AdministratorAccess"), alice.getOwnerPrivileges());
    assertEquals(List.of("Custom:FullRam via group Ops"), bob.getOwnerPrivileges());
    assertEquals("carol", carol.getOwner().getUserName());
    assertEquals(List.of(), carol.getOwnerPrivileges());
    // (carol's is the third LookupEvents within a second, which ActionTrail may throttle: only the first two are whole)
    assertEquals(List.of(false, false), List.of(alice.getPartial(), bob.getPartial()));
  }

  @Test
  void shouldNameARootKeyFromItsOwnIdentity() {
    CallerIdentity root = CallerIdentity.newBuilder().setIdentityType("Account").setAccountId(account)
        .setArn("acs:ram::" + account + ":root").build();

    LeakEnriched enriched = enrich(enrichment, leak(clock.instant(), root, true));

    assertEquals(OwnerKind.ROOT_ACCOUNT, enriched.getOwnerKind());
    assertEquals(CredentialKind.ROOT_KEY, enriched.getKind());
    assertEquals(Severity.CRITICAL, enriched.getSeverity());
  }

  @Test
  void shouldNameTheRoleOfAnAssumedRoleSession() {
    CallerIdentity session = CallerIdentity.newBuilder().setIdentityType("AssumedRoleUser").setAccountId(account)
        .setArn("acs:ram::" + account + ":assumed-role/deployer/ci-run-7").build();

    LeakEnriched enriched = enrich(enrichment, leak(clock.instant(), session, true));

    assertEquals(OwnerKind.ASSUMED_ROLE, enriched.getOwnerKind());
    assertEquals("deployer", enriched.getOwner().getRoleName());
    assertEquals(CredentialKind.STS_TOKEN, enriched.getKind());
  }

  @Test
  void shouldCallAKeyNoAccountOwnsOutsideTheFleet() {
    String stranger = SyntheticKeys.accountId();
    CallerIdentity other = CallerIdentity.newBuilder().setIdentityType("RAMUser").setAccountId(stranger)
        .setArn("acs:ram::" + stranger + ":user/someone").build();
    LeakDetected foreign = LeakDetected.newBuilder(leak(clock.instant(), other, true))
        .setAccessKeyId(SyntheticKeys.accessKeyId()).build();

    LeakEnriched enriched = enrich(enrichment, foreign);

    assertEquals(OwnerKind.OUTSIDE_FLEET, enriched.getOwnerKind());
    assertEquals(stranger, enriched.getOwner().getAccountId());
  }

  @Test
  void shouldHandOnAPartialRecordWhenActionTrailIsSlow() {
    // Given ActionTrail answers only after 3 s and the bound is 200 ms
    emulator.faults().configure(new Faults.Config(1L,
        List.of(new Faults.Rule("Actiontrail", null, null, null, 3000L, null)), null));
    FleetEnrichment bounded = enrichment(Duration.ofMillis(200));

    // When a leak is enriched, then it is handed on with its owner, marked partial
    LeakEnriched enriched = enrich(bounded, leak(clock.instant(), null, true));
    bounded.close();

    assertTrue(enriched.getPartial());
    assertEquals("alice", enriched.getOwner().getUserName());
  }
}
