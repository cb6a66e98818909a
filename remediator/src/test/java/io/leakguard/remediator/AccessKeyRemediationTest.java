package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.RamGateway;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStrategy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A leaked RAM user AccessKey against the emulator: each safety invariant of the issue and recovery after a run
 * interrupted at chosen points.
 */
class AccessKeyRemediationTest extends EmulatedCloudTest {

  @Test
  void shouldRotateKeyWhenOwnerIsRamUser() throws Exception {
    // Given alice's key leaked
    seed(key(leakedId, leakedSecret));

    // When it is remediated
    RemediationJournal done = run(aliceJournal("inc-rotate", null));

    // Then replace-first: create, store, re-read, delete; the leaked key is gone and KMS holds the new one
    assertRotatedExactlyOnce(done, "inc-rotate");
    assertEquals(List.of("ListAccessKeys", "ReadKmsCurrent", "RecordEvidence", "CreateAccessKey", "StoreSecret",
        "ConfirmTarget", "DeleteAccessKey"), stepNames(done));
    assertEquals(RemediationStrategy.REPLACE_FIRST, done.getRemediationStrategy());
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
    assertEquals(RemediationStrategy.REVOKE_FIRST, done.getRemediationStrategy());
    assertEquals(List.of("ListAccessKeys", "ReadKmsCurrent", "RecordEvidence", "ConfirmTarget", "DeleteAccessKey",
        "CreateAccessKey", "StoreSecret"), stepNames(done));
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
    AccessKeyRemediation.TargetUnsafe stopped = assertThrows(AccessKeyRemediation.TargetUnsafe.class, run::run);
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
  void shouldStampTheNeutralizationTimeWhenResumedAfterTheLeakedKeyWasDeleted() throws Exception {
    // Given a run killed right after DeleteAccessKey, before its journal entry was committed
    seed(key(leakedId, leakedSecret));
    RemediationJournal opened = aliceJournal("inc-deleted", null);
    runUntil(opened, after("DeleteAccessKey"));
    assertFalse(aliceKeys().contains(leakedId));

    // When the incident is resumed from its first journal entry
    RemediationJournal done = run(opened);

    // Then it is ROTATED and says when the key was (at the latest) gone, which the time to neutralization needs
    assertRotatedExactlyOnce(done, "inc-deleted");
    assertNotNull(done.getNeutralizedAt(), "neutralizedAt of a resumed incident");
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
    assertEquals(RemediationStrategy.ROTATE_SECRET, done.getRemediationStrategy());
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

  private static final String KNOWN_IP = "198.51.100.7";
  private static final String ATTACKER_IP = "203.0.113.66";

  @Test
  void shouldRestrictTheKeyToItsKnownAddressesWhileWaitingAndRestoreItsPolicyOnReject() throws Exception {
    seed(key(leakedId, leakedSecret));
    // Given alice's key was used from 198.51.100.7 before the leak and from 203.0.113.66 only after it
    LeakEnriched leak = LeakEnriched.newBuilder(Leaks.ownedBy("inc-restrict", leakedId, account, "alice"))
        .setUsedFromIps(List.of(KNOWN_IP, ATTACKER_IP)).setSuspiciousIps(List.of(ATTACKER_IP)).build();
    RemediationJournal opened = journalFor(leak, "{\"default\":{\"mode\":\"approve\",\"contain\":true,"
        + "\"knownNetworks\":[\"192.0.2.0/24\"]}}");

    // When it waits for approval
    RemediationJournal waiting = run(opened);

    // Then it is contained by a network policy, not disabled: its application works, the attacker is refused
    assertEquals(RemediationStatus.CONTAINED, waiting.getStatus(), waiting.getReason());
    assertEquals(AccessKeyRemediation.NETWORK_POLICY, waiting.getContainedBy());
    assertEquals(List.of(KNOWN_IP, "192.0.2.0/24"), waiting.getKnownIps());
    assertEquals("Active", emulator.state().key(leakedId).orElseThrow().status());
    assertEquals(RamGateway.NO_ACCESS_KEY_POLICY, waiting.getPreviousKeyPolicy());
    assertEquals("RAMUser", whoFrom(KNOWN_IP));
    assertEquals("RAMUser", whoFrom("192.0.2.40"));
    CloudException refused = assertThrows(CloudException.class, () -> whoFrom(ATTACKER_IP));
    assertEquals("NoPermission", refused.code());
    assertEquals(List.of("ListAccessKeys", "ReadKmsCurrent", "ConfirmTarget", "GetAccessKeyPolicy",
        "SetAccessKeyPolicy"), stepNames(waiting));

    // When a person rejects it (the processor marks the journal rejecting and hands it to a run)
    RemediationJournal done = run(RemediationJournal.newBuilder(waiting).setPhase(JournalPhase.APPROVED)
        .setRejecting(true).setDecidedBy("bob").setReason("rejected by bob").build());

    // Then the previous policy is back (none: the key works from anywhere, as before) and the key is not deleted
    assertEquals(RemediationStatus.REJECTED, done.getStatus());
    assertTrue(done.getReason().startsWith("rejected by bob; restored the leaked key's network access policy"),
        done.getReason());
    assertEquals(RamGateway.NO_ACCESS_KEY_POLICY, fleet.account(account).ram().accessKeyPolicy(account, "alice",
        leakedId));
    assertEquals("RAMUser", whoFrom(ATTACKER_IP));
    assertEquals(List.of(leakedId), aliceKeys());
  }

  @Test
  void shouldDisableTheKeyWhenNoAddressOfItIsKnown() throws Exception {
    seed(key(leakedId, leakedSecret));
    // Given restrict (the default) but the key was only ever used from the attacker's address
    LeakEnriched leak = LeakEnriched.newBuilder(Leaks.ownedBy("inc-nowhere", leakedId, account, "alice"))
        .setUsedFromIps(List.of(ATTACKER_IP)).setSuspiciousIps(List.of(ATTACKER_IP)).build();

    RemediationJournal waiting = run(journalFor(leak,
        "{\"default\":{\"mode\":\"approve\",\"contain\":true}}"));

    assertEquals(RemediationStatus.CONTAINED, waiting.getStatus());
    assertEquals(AccessKeyRemediation.DISABLED, waiting.getContainedBy());
    assertEquals("Inactive", emulator.state().key(leakedId).orElseThrow().status());
  }

  @Test
  void shouldKeepTheVpcStatementsOfAnActivePreviousPolicy() {
    String previous = "{\"Version\":1,\"Status\":\"Active\",\"Statements\":[{\"Type\":\"ClassicWhiteList\","
        + "\"IPList\":[\"0.0.0.0/0\"]},{\"Type\":\"VPCWhiteList\",\"Value\":\"vpc-bp1example\",\"IPList\":"
        + "[\"172.16.0.0/16\"]}]}";

    String policy = KeyNetworkPolicy.allowOnly(List.of(KNOWN_IP), previous);

    assertEquals("{\"Version\":1,\"Status\":\"Active\",\"Statements\":[{\"Type\":\"ClassicWhiteList\","
        + "\"IPList\":[\"198.51.100.7\"]},{\"Type\":\"VPCWhiteList\",\"Value\":\"vpc-bp1example\",\"IPList\":"
        + "[\"172.16.0.0/16\"]}]}", policy);
    assertEquals("{\"Version\":1,\"Status\":\"Active\",\"Statements\":[{\"Type\":\"ClassicWhiteList\","
        + "\"IPList\":[\"198.51.100.7\"]}]}", KeyNetworkPolicy.allowOnly(List.of(KNOWN_IP),
        RamGateway.NO_ACCESS_KEY_POLICY));
  }

  @Test
  void shouldKeepTheLeakedKeysOwnActionTrailEventsInTheEvidence() throws Exception {
    seed(key(leakedId, leakedSecret));
    TestFleet.account(account).user("leakguard", u -> u.systemPolicy("AliyunActionTrailFullAccess")).seed(emulator);
    // Given the attacker used the key from 203.0.113.66: once successfully, once refused
    whoFrom(ATTACKER_IP);
    var listUsers = new com.aliyuncs.ram.model.v20150501.ListUsersRequest();
    listUsers.putHeaderParameter("X-Forwarded-For", ATTACKER_IP);
    assertThrows(CloudException.class, () -> new io.leakguard.cloud.CloudCaller(settings(),
        new com.aliyuncs.auth.StaticCredentialsProvider(new com.aliyuncs.auth.BasicCredentials(leakedId,
            leakedSecret))).call(io.leakguard.cloud.Product.RAM, listUsers));

    // When it is remediated
    RemediationJournal done = run(aliceJournal("inc-trail", null));

    // Then the evidence record holds both calls, newest first, with their address and error, and no secret
    assertRotatedExactlyOnce(done, "inc-trail");
    String record = fleet.account(account).kms().textVersion(done.getEvidenceSecret(), "inc-trail").orElseThrow();
    var events = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record).path("events");
    assertEquals(List.of("ListUsers NoPermission " + ATTACKER_IP, "GetCallerIdentity  " + ATTACKER_IP),
        java.util.stream.StreamSupport.stream(events.spliterator(), false).map(e -> e.path("eventName").asText()
            + " " + e.path("errorCode").asText("") + " " + e.path("sourceIpAddress").asText()).toList());
    assertEquals(List.of(), done.getEvidenceGaps());
    assertFalse(record.contains(leakedSecret));
    assertFalse(record.toLowerCase(java.util.Locale.ROOT).contains("signature"), record);
  }

  @Test
  void shouldKeepTheOwnersGroupsAndTheirPoliciesInTheEvidence() throws Exception {
    // Given alice is in two groups, one of which makes her an administrator
    fleetWith(key(leakedId, leakedSecret))
        .group("Admins", g -> g.member("alice").systemPolicy("AdministratorAccess"))
        .group("Readers", g -> g.member("alice").systemPolicy("ReadOnlyAccess").systemPolicy("AliyunKMSFullAccess"))
        .seed(emulator);
    LeakEnriched leak = LeakEnriched.newBuilder(Leaks.ownedBy("inc-groups", leakedId, account, "alice"))
        .setOwnerPrivileges(List.of("System:AdministratorAccess via group Admins")).build();

    // When it is remediated
    RemediationJournal done = run(journalFor(leak, null));

    // Then the record names both groups with their policies, and the enrichment's admin-level finding
    assertRotatedExactlyOnce(done, "inc-groups");
    String record = fleet.account(account).kms().textVersion(done.getEvidenceSecret(), "inc-groups").orElseThrow();
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record);
    assertEquals(List.of("Admins [System:AdministratorAccess]", "Readers [System:ReadOnlyAccess, "
        + "System:AliyunKMSFullAccess]"), java.util.stream.StreamSupport.stream(tree.path("userGroups").spliterator(),
        false).map(g -> g.path("groupName").asText() + " " + java.util.stream.StreamSupport.stream(
        g.path("policies").spliterator(), false).map(com.fasterxml.jackson.databind.JsonNode::asText).toList()).toList());
    assertTrue(tree.path("userGroups").get(0).path("groupId").asText().startsWith("g-"));
    assertFalse(tree.path("userGroups").get(0).path("joinDate").asText().isEmpty());
    assertEquals("System:AdministratorAccess via group Admins", tree.path("ownerPrivileges").get(0).asText());
    // (LeakGuard's user here may not read ActionTrail: that gap is the only one)
    assertEquals(List.of("ActionTrail events of " + KeyForms.mask(leakedId) + ": NoPermission"),
        done.getEvidenceGaps());
    assertEquals(KeyForms.fingerprint(record), done.getEvidenceSha256());
  }

  @Test
  void shouldLeaveSecretFieldsOutOfTheEventsAtAnyDepth() throws Exception {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var event = json.readTree("{\"UserName\":\"bob\",\"AccessKey\":{\"AccessKeyId\":\"LTAI-x\","
        + "\"AccessKeySecret\":\"s\"},\"Password\":\"p\",\"List\":[{\"SecurityToken\":\"t\",\"k\":1}]}");

    assertEquals("{\"UserName\":\"bob\",\"AccessKey\":{\"AccessKeyId\":\"LTAI-x\"},\"List\":[{\"k\":1}]}",
        Evidence.withoutSecrets(event).toString());
  }

  /** GetCallerIdentity with the leaked pair, as a caller at {@code ip} (the emulator reads X-Forwarded-For). */
  private String whoFrom(String ip) throws CloudException {
    var request = new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest();
    request.putHeaderParameter("X-Forwarded-For", ip);
    return new io.leakguard.cloud.CloudCaller(settings(), new com.aliyuncs.auth.StaticCredentialsProvider(
        new com.aliyuncs.auth.BasicCredentials(leakedId, leakedSecret))).call(io.leakguard.cloud.Product.STS, request)
        .getIdentityType();
  }
}
