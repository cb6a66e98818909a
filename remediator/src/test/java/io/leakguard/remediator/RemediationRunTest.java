package io.leakguard.remediator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.sts.model.v20150401.AssumeRoleRequest;
import com.aliyuncs.sts.model.v20150401.AssumeRoleResponse;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudCaller;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.cloud.Product;
import io.leakguard.cloud.Secret;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Faults;
import io.leakguard.emulator.KeyView;
import io.leakguard.emulator.StateSnapshot;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The remediation's cloud work against the emulator through the real SDK over HTTP: each safety invariant of the
 * issue, recovery after a run interrupted at chosen points, and the STS strategies.
 */
class RemediationRunTest {

  private static final String TEMPLATE = "leakguard/{accountId}/{userName}";
  private static final Instant KEYS_CREATED = Instant.parse("2026-01-01T00:00:00Z");
  private final String account = SyntheticKeys.accountId();
  private final String operatorId = SyntheticKeys.accessKeyId();
  private final String operatorSecret = SyntheticKeys.secret();
  private final String leakedId = SyntheticKeys.accessKeyId();
  private final String leakedSecret = SyntheticKeys.secret();
  private Emulator emulator;
  private CloudFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    fleet = CloudFleet.with(settings(), FleetSettings.single(),
        new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
  }

  @AfterEach
  void tearDown() {
    fleet.close();
    emulator.close();
  }

  private CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  /** The account: LeakGuard's user and alice, with the keys {@code aliceKeys} gives her. */
  private TestFleet.Account fleetWith(Consumer<TestFleet.User> aliceKeys) {
    return TestFleet.account(account).alias("test")
        .user("leakguard", u -> u.key(operatorId, operatorSecret)
            .systemPolicy("AliyunRAMFullAccess").systemPolicy("AliyunKMSFullAccess"))
        .user("alice", u -> aliceKeys.accept(u.email("alice@example.com")));
  }

  private void seed(Consumer<TestFleet.User> aliceKeys) {
    fleetWith(aliceKeys).seed(emulator);
  }

  private static Consumer<TestFleet.User> key(String id, String secret) {
    return u -> u.key(id, secret, KEYS_CREATED);
  }

  private RemediationJournal journalFor(LeakEnriched leak, String policy) {
    return Journals.open(leak, policy == null ? RemediationPolicy.builtIn() : RemediationPolicy.parse(policy),
        Instant.now());
  }

  private RemediationJournal aliceJournal(String incident, String policy) {
    return journalFor(Leaks.ownedBy(incident, leakedId, account, "alice"), policy);
  }

  /** Runs to the end (or to a wait) and returns the last journal snapshot. */
  private RemediationJournal run(RemediationJournal journal) throws CloudException {
    return runUntil(journal, j -> false);
  }

  /** Runs until the journal matches {@code stop}, which plays a remediator killed right there. */
  private RemediationJournal runUntil(RemediationJournal journal, Predicate<RemediationJournal> stop)
      throws CloudException {
    AtomicReference<RemediationJournal> last = new AtomicReference<>(journal);
    RemediationRun run = new RemediationRun(fleet, TEMPLATE, Clock.systemUTC(), journal, last::set,
        () -> stop.test(last.get()));
    try {
      run.run();
    } catch (RemediationRun.Cancelled killed) {
      // the "crash": whatever was journaled so far is all the next run gets
    }
    return last.get();
  }

  private List<String> aliceKeys() {
    return emulator.state().snapshot().keys().stream().filter(k -> "alice".equals(k.userName()))
        .map(KeyView::accessKeyId).toList();
  }

  private StateSnapshot.SecretVersionView current(String secretName) {
    return emulator.state().snapshot().secrets().stream().filter(s -> s.secretName().equals(secretName))
        .findFirst().orElseThrow().versions().stream().filter(v -> v.stages().contains("ACSCurrent"))
        .findFirst().orElseThrow();
  }

  private static List<String> stepNames(RemediationJournal journal) {
    return journal.getSteps().stream().map(JournalStep::getName).toList();
  }

  private static Predicate<RemediationJournal> after(String step) {
    return j -> j.getSteps().stream().anyMatch(s -> s.getName().equals(step) && "OK".equals(s.getOutcome()));
  }

  private void assertRotatedExactlyOnce(RemediationJournal done, String incident) {
    assertEquals(RemediationStatus.ROTATED, done.getStatus(), done.getReason());
    assertTrue(emulator.state().key(leakedId).isEmpty(), "the leaked key is deleted");
    String newKey = done.getNewAccessKeyId();
    assertEquals(List.of(newKey), aliceKeys(), "alice has exactly the new key");
    var current = current("leakguard/" + account + "/alice");
    assertEquals(newKey, current.accessKeyId());
    assertEquals(incident, current.versionId());
  }

  @Test
  void shouldRotateKeyWhenOwnerIsRamUser() throws Exception {
    // Given alice's key leaked
    seed(key(leakedId, leakedSecret));

    // When it is remediated
    RemediationJournal done = run(aliceJournal("inc-rotate", null));

    // Then replace-first: create, store, re-read, delete; the leaked key is gone and KMS holds the new one
    assertRotatedExactlyOnce(done, "inc-rotate");
    assertEquals(List.of("ListAccessKeys", "ReadKmsCurrent", "CreateAccessKey", "StoreSecret", "ConfirmTarget",
        "DeleteAccessKey"), stepNames(done));
    assertEquals("replace-first", done.getStrategy());
    RemediationOutcome outcome = Journals.outcome(done, Instant.now());
    assertNotNull(outcome.getNeutralizationMillis());
    assertEquals("leakguard/" + account + "/alice", outcome.getKmsSecretName());
    assertEquals("inc-rotate", outcome.getKmsSecretVersion());
    assertFalse(outcome.toString().contains(leakedSecret));
  }

  @Test
  void shouldFindTheOwnerInTheFleetWhenTheEnrichmentDidNotKnowIt() throws Exception {
    seed(key(leakedId, leakedSecret));

    RemediationJournal done = run(journalFor(Leaks.of("inc-find", leakedId, Instant.now()), null));

    assertRotatedExactlyOnce(done, "inc-find");
    assertEquals("FindOwner", stepNames(done).get(0));
    assertEquals("alice", done.getOwner().getUserName());
  }

  @Test
  void shouldFallBackToRevokeFirstAndNeverTouchTheOtherKeyWhenTheUserHasTwoKeys() throws Exception {
    // Given alice has the leaked key and another one
    String other = SyntheticKeys.accessKeyId();
    seed(key(leakedId, leakedSecret).andThen(key(other, SyntheticKeys.secret())));

    RemediationJournal done = run(aliceJournal("inc-two", null));

    // Then the leaked key went first, a new one replaced it, and the other key is untouched
    assertEquals(RemediationStatus.ROTATED, done.getStatus(), done.getReason());
    assertEquals("revoke-first", done.getStrategy());
    assertEquals(List.of("ListAccessKeys", "ReadKmsCurrent", "ConfirmTarget", "DeleteAccessKey", "CreateAccessKey",
        "StoreSecret"), stepNames(done));
    assertEquals(List.of(other, done.getNewAccessKeyId()), aliceKeys());
    assertEquals("Active", emulator.state().key(other).orElseThrow().status());
    assertEquals(List.of(other), done.getPreexistingKeyIds());
  }

  @Test
  void shouldEscalateWhenTheUserHasTwoKeysAndThePolicySaysSo() throws Exception {
    String other = SyntheticKeys.accessKeyId();
    seed(key(leakedId, leakedSecret).andThen(key(other, SyntheticKeys.secret())));

    RemediationJournal done = run(aliceJournal("inc-two-esc", "{\"default\":{\"whenTwoKeys\":\"escalate\"}}"));

    assertEquals(RemediationStatus.ESCALATED, done.getStatus());
    assertTrue(done.getReason().contains("already has another key"), done.getReason());
    assertEquals(List.of(leakedId, other), aliceKeys());
  }

  @Test
  void shouldStopAndSayWhyWhenTheLeakedKeyIsGone() throws Exception {
    // Given the leaked key was deleted by someone else before LeakGuard acted
    seed(key(SyntheticKeys.accessKeyId(), SyntheticKeys.secret()));
    List<String> before = aliceKeys();

    RemediationJournal done = run(aliceJournal("inc-gone", null));

    assertEquals(RemediationStatus.ESCALATED, done.getStatus(), done.getReason());
    assertEquals(before, aliceKeys(), "nothing was touched");
    assertNull(done.getNewAccessKeyId());
  }

  @Test
  void shouldStopWithoutDeletingAnythingWhenTheTargetIsGoneRightBeforeDeletion() throws Exception {
    // Given someone deletes the leaked key while the run stores the new one (between its first read and the delete)
    seed(key(leakedId, leakedSecret));
    AtomicReference<RemediationJournal> last = new AtomicReference<>();
    RemediationRun run = new RemediationRun(fleet, TEMPLATE, Clock.systemUTC(), aliceJournal("inc-race", null),
        last::set, () -> {
          if (after("StoreSecret").test(last.get()) && emulator.state().key(leakedId).isPresent()) {
            try {
              fleet.account(account).ram().deleteAccessKey("alice", leakedId);
            } catch (CloudException e) {
              throw new IllegalStateException(e);
            }
          }
          return false;
        });

    // When the run reaches the deletion, it reads the keys again and stops, saying why
    RemediationRun.TargetUnsafe stopped = assertThrows(RemediationRun.TargetUnsafe.class, run::run);
    assertTrue(stopped.getMessage().contains("no longer listed for RAM user alice right before deletion"),
        stopped.getMessage());

    // And it deleted nothing: its last step is the re-read, and alice keeps the new key KMS holds
    assertEquals("ConfirmTarget", stepNames(last.get()).get(stepNames(last.get()).size() - 1));
    assertEquals(List.of(last.get().getCreatedKeyIds().get(0)), aliceKeys());
    assertEquals(aliceKeys().get(0), current("leakguard/" + account + "/alice").accessKeyId());
  }

  @Test
  void shouldDeleteAndReplaceAnOrphanKeyCreatedButNeverStoredBeforeACrash() throws Exception {
    // Given a run killed right after CreateAccessKey, before the new key reached KMS (the journal lost it too)
    seed(key(leakedId, leakedSecret));
    RemediationJournal opened = aliceJournal("inc-orphan", null);
    runUntil(opened, after("CreateAccessKey"));
    assertEquals(2, aliceKeys().size());
    String orphan = aliceKeys().stream().filter(k -> !k.equals(leakedId)).findFirst().orElseThrow();

    // When the incident is resumed from its first journal entry
    RemediationJournal done = run(opened);

    // Then the orphan is deleted and replaced, and alice ends with exactly one new key, the one in KMS
    assertTrue(stepNames(done).contains("DeleteOrphanKey"), stepNames(done).toString());
    assertTrue(emulator.state().key(orphan).isEmpty());
    assertRotatedExactlyOnce(done, "inc-orphan");
  }

  @Test
  void shouldNeverCreateASecondKeyWhenResumedAfterTheKeyWasStored() throws Exception {
    // Given a run killed right after StoreSecret
    seed(key(leakedId, leakedSecret));
    RemediationJournal opened = aliceJournal("inc-twice", null);
    String stored = runUntil(opened, after("StoreSecret")).getNewAccessKeyId();

    // When it is resumed from the first journal entry, twice
    RemediationJournal done = run(opened);
    RemediationJournal again = run(opened);

    // Then no second key was created: the stored key is the new key, and the leaked key is deleted
    assertFalse(stepNames(done).contains("CreateAccessKey"));
    assertFalse(stepNames(again).contains("CreateAccessKey"));
    assertRotatedExactlyOnce(again, "inc-twice");
    assertEquals(done.getNewAccessKeyId(), again.getNewAccessKeyId());
    assertTrue(stored == null || stored.equals(again.getNewAccessKeyId()));
  }

  @Test
  void shouldRotateThroughKmsWhenARamCredentialsSecretManagesTheKey() throws Exception {
    fleetWith(key(leakedId, leakedSecret))
        .secret("alice-ak", s -> s.type("RAMCredentials")
            .extendedConfig("""
                {"SecretSubType":"RamUserAccessKey","UserName":"alice"}""")
            .version("v1", """
                {"AccessKeyId":"%s","AccessKeySecret":"%s"}""".formatted(leakedId, leakedSecret), "ACSCurrent"))
        .seed(emulator);
    String policy = "{\"accounts\":{\"" + account + "\":{\"users\":{\"alice\":{\"managedSecret\":\"alice-ak\"}}}}}";

    RemediationJournal done = run(aliceJournal("inc-managed", policy));

    assertEquals(RemediationStatus.ROTATED, done.getStatus(), done.getReason());
    assertEquals("rotate-secret", done.getStrategy());
    assertTrue(stepNames(done).contains("RotateSecret"));
    assertTrue(emulator.state().key(leakedId).isEmpty());
    assertEquals(List.of(done.getNewAccessKeyId()), aliceKeys());
    assertEquals(done.getNewAccessKeyId(), current("alice-ak").accessKeyId());
  }

  @Test
  void shouldRecordTheExactPlanAndTouchNothingInDryRun() throws Exception {
    seed(key(leakedId, leakedSecret));

    RemediationJournal done = run(aliceJournal("inc-dry", "{\"default\":{\"mode\":\"dry-run\"}}"));

    assertEquals(RemediationStatus.PLANNED, done.getStatus());
    assertEquals(3, done.getPlan().size(), done.getPlan().toString());
    assertTrue(done.getPlan().get(0).startsWith("RAM CreateAccessKey for user alice"));
    assertTrue(done.getPlan().get(2).startsWith("RAM DeleteAccessKey"));
    assertEquals(List.of(leakedId), aliceKeys());
    assertEquals("Active", emulator.state().key(leakedId).orElseThrow().status());
  }

  @Test
  void shouldContainTheKeyWhileWaitingAndRotateOnceApproved() throws Exception {
    seed(key(leakedId, leakedSecret));

    // Given approve mode with containment
    RemediationJournal waiting = run(aliceJournal("inc-contain", "{\"default\":{\"mode\":\"approve\",\"contain\":true}}"));
    assertEquals(JournalPhase.AWAITING_APPROVAL, waiting.getPhase());
    assertEquals(RemediationStatus.CONTAINED, waiting.getStatus());
    assertEquals("Inactive", emulator.state().key(leakedId).orElseThrow().status());
    assertEquals(List.of(leakedId), aliceKeys());

    // When approved
    RemediationJournal done = run(RemediationJournal.newBuilder(waiting).setPhase(JournalPhase.APPROVED).build());

    // Then it is rotated and the leaked key deleted, not merely disabled
    assertRotatedExactlyOnce(done, "inc-contain");
  }

  // ------------------------------------------------------------------ STS

  private static final String ROLE = "app-reader";

  private void seedRole(String appId, String appSecret) {
    fleetWith(key(leakedId, leakedSecret))
        .role(ROLE, r -> r.description("reads RAM").maxSessionDuration(Duration.ofHours(2)).trustAccount(account)
            .systemPolicy("AliyunRAMReadOnlyAccess").systemPolicy("AliyunKMSFullAccess"))
        .seed(emulator);
    fleetUser(appId, appSecret);
  }

  /** An application user allowed to assume the role. */
  private void fleetUser(String appId, String appSecret) {
    TestFleet.account(account)
        .user("app", u -> u.key(appId, appSecret).systemPolicy("AliyunSTSAssumeRoleAccess"))
        .seed(emulator);
  }

  private AssumeRoleResponse.Credentials assumeRole(String appId, String appSecret) throws CloudException {
    AssumeRoleRequest request = new AssumeRoleRequest();
    request.setRoleArn("acs:ram::" + account + ":role/" + ROLE);
    request.setRoleSessionName("app");
    return new CloudCaller(settings(), new StaticCredentialsProvider(new BasicCredentials(appId, appSecret)))
        .call(Product.STS, request).getCredentials();
  }

  private AlibabaCloud asToken(AssumeRoleResponse.Credentials token) {
    return AlibabaCloud.with(settings(), new StaticCredentialsProvider(new BasicSessionCredentials(
        token.getAccessKeyId(), token.getAccessKeySecret(), token.getSecurityToken())));
  }

  private RemediationJournal tokenJournal(AssumeRoleResponse.Credentials token, String incident, String policy) {
    LeakEnriched leak = Leaks.builder(incident, token.getAccessKeyId(), Instant.now())
        .setKind(CredentialKind.STS_TOKEN).setOwnerKind(OwnerKind.ASSUMED_ROLE)
        .setOwner(Owner.newBuilder().setAccountId(account).setRoleName(ROLE).build()).build();
    return journalFor(leak, policy);
  }

  @Test
  void shouldStripALeakedTokenOfEveryPermissionWhenPurging() throws Exception {
    // Given a token of the role that can list users
    String appId = SyntheticKeys.accessKeyId();
    String appSecret = SyntheticKeys.secret();
    seedRole(appId, appSecret);
    AssumeRoleResponse.Credentials token = assumeRole(appId, appSecret);
    asToken(token).ram().listUsers();

    // When it leaks and is purged
    RemediationJournal done = run(tokenJournal(token, "inc-purge", null));

    // Then the role's policies were recorded and detached, and the token's calls get NoPermission
    assertEquals(RemediationStatus.NEUTRALIZED, done.getStatus(), done.getReason());
    assertEquals(List.of("System:AliyunRAMReadOnlyAccess", "System:AliyunKMSFullAccess"),
        done.getDetachedPolicies());
    assertEquals(7200L, done.getMaxSessionDuration());
    CloudException refused = assertThrows(CloudException.class, () -> asToken(token).ram().listUsers());
    assertEquals("NoPermission", refused.code());
    assertTrue(fleet.account(account).kms().textVersion(RemediationRun.roleRecordName(account, ROLE), "inc-purge")
        .orElseThrow().contains("AliyunRAMReadOnlyAccess"));
    assertNotNull(Journals.outcome(done, Instant.now()).getNeutralizationMillis());
  }

  @Test
  void shouldKillEveryTokenAndKeepTheRoleWorkingWhenReincarnating() throws Exception {
    String appId = SyntheticKeys.accessKeyId();
    String appSecret = SyntheticKeys.secret();
    seedRole(appId, appSecret);
    AssumeRoleResponse.Credentials token = assumeRole(appId, appSecret);
    String oldRoleId = fleet.account(account).ram().getRole(ROLE).roleId();

    // When the token leaks and the role is reincarnated (killed once right after DeleteRole, then resumed)
    RemediationJournal opened = tokenJournal(token, "inc-reincarnate", "{\"default\":{\"stsToken\":\"reincarnate\"}}");
    runUntil(opened, after("DeleteRole"));
    RemediationJournal done = run(opened);

    // Then the old token is invalid at once
    assertEquals(RemediationStatus.NEUTRALIZED, done.getStatus(), done.getReason());
    assertEquals(oldRoleId, done.getOldRoleId());
    assertNotEquals(oldRoleId, done.getNewRoleId());
    CloudException refused = assertThrows(CloudException.class, () -> asToken(token).ram().listUsers());
    assertEquals("InvalidSecurityToken.Expired", refused.code());

    // And a fresh AssumeRole works with the original permissions and settings
    asToken(assumeRole(appId, appSecret)).ram().listUsers();
    var role = fleet.account(account).ram().getRole(ROLE);
    assertEquals(7200L, role.maxSessionDuration());
    assertEquals("reads RAM", role.description());
    assertEquals(2, fleet.account(account).ram().listPoliciesForRole(ROLE).size());
  }

  // ------------------------------------------------------------------ engine

  @Test
  void shouldRetryRetryableErrorsInANewRoundAndFailPermanentOnesWithTheReason() throws Exception {
    seed(key(leakedId, leakedSecret));
    try (CloudRemediationEngine engine = new CloudRemediationEngine(fleet, TEMPLATE, Clock.systemUTC(), 4, 2, 3,
        Duration.ofMillis(10))) {
      // Given CreateAccessKey fails more often than the SDK caller retries (4 attempts), once
      emulator.faults().configure(new Faults.Config(1L, List.of(
          new Faults.Rule("Ram:CreateAccessKey", null, "ServiceUnavailable", null, null, 5)), null));
      AtomicReference<RemediationJournal> last = new AtomicReference<>();
      engine.submit(aliceJournal("inc-retry", null), last::set);

      // Then a second round reconciles and finishes the rotation
      await().atMost(Duration.ofSeconds(30)).until(() -> last.get() != null
          && last.get().getPhase() == JournalPhase.DONE);
      assertRotatedExactlyOnce(last.get(), "inc-retry");
      assertEquals(2, last.get().getRounds());

      // And a permanent error (the remediator may not act on the user) ends FAILED with the reason
      emulator.faults().configure(new Faults.Config(1L, List.of(
          new Faults.Rule("Ram:ListAccessKeys", null, "NoPermission", null, null, 1)), null));
      AtomicReference<RemediationJournal> failed = new AtomicReference<>();
      engine.submit(journalFor(Leaks.ownedBy("inc-denied", SyntheticKeys.accessKeyId(), account, "alice"), null),
          failed::set);
      await().atMost(Duration.ofSeconds(30)).until(() -> failed.get() != null
          && failed.get().getPhase() == JournalPhase.DONE);
      assertEquals(RemediationStatus.FAILED, failed.get().getStatus());
      assertTrue(failed.get().getReason().startsWith("ListAccessKeys failed: NoPermission"), failed.get().getReason());
    }
    assertFalse(new Secret(leakedSecret).toString().contains(leakedSecret));
  }
}
