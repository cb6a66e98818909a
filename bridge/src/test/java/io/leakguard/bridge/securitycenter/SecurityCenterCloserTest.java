package io.leakguard.bridge.securitycenter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.SecurityCenterGateway;
import io.leakguard.cloud.SecurityCenterGateway.LeakSummary;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord.Reference;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Closing Security Center records in the emulator through the fleet's member roles. */
class SecurityCenterCloserTest {

  private SasFleet cloud;
  private CloudFleet fleet;
  private SecurityCenterCloser closer;

  @BeforeEach
  void setUp() throws Exception {
    cloud = new SasFleet();
    fleet = cloud.cloudFleet();
    closer = new SecurityCenterCloser(SasAccounts.of(fleet));
  }

  @AfterEach
  void tearDown() {
    fleet.close();
    cloud.close();
  }

  private RemediationOutcome outcome(String account, String reference, RemediationStatus status,
      LeakSourceType type, String ownerAccount) {
    String key = cloud.leakedKeys.get(account);
    return RemediationOutcome.newBuilder().setIncidentId("incident-1").setAccessKeyId(key)
        .setKind(CredentialKind.RAM_USER_KEY).setMaskedKey(KeyForms.mask(key))
        .setSource(SourceLocation.newBuilder().setType(type).setLocation("https://github.com/x")
            .setReference(reference).build())
        .setOwner(Owner.newBuilder().setAccountId(ownerAccount).build()).setStatus(status)
        .setTimeline(Timeline.newBuilder().setSightedAt(Instant.EPOCH).setDetectedAt(Instant.EPOCH).build()).build();
  }

  private LeakSummary listed(String account, long id) throws CloudException {
    SecurityCenterGateway sas = fleet.account(account).securityCenter();
    return sas.leaks(null, null, 1, 100).leaks().stream().filter(l -> l.id() == id).findFirst().orElseThrow();
  }

  @Test
  void shouldMarkTheRecordHandledInItsAccountOnceTheKeyIsRotated() throws Exception {
    // Given a Security Center record in member 2 whose incident ended ROTATED
    long id = cloud.leak(cloud.member2, "https://github.com/x");
    RemediationOutcome rotated = outcome(cloud.member2, new Reference(id, cloud.member2).text(),
        RemediationStatus.ROTATED, LeakSourceType.SECURITY_CENTER, cloud.member2);

    // When it is closed, twice (an outcome seen again after a restart)
    assertTrue(closer.handles(rotated));
    String done = closer.close(rotated);
    closer.close(rotated);

    // Then the record lists as dealed, with a remark naming the incident
    assertTrue(done.contains("record " + id), done);
    LeakSummary record = listed(cloud.member2, id);
    assertEquals("dealed", record.status());
    assertEquals("manual", record.dealType());
    String remark = fleet.account(cloud.member2).securityCenter().detail(id).remark();
    assertTrue(remark.startsWith("LeakGuard incident incident-1: key "), remark);
    assertFalse(remark.contains(cloud.leakedKeys.get(cloud.member2)), "the remark shows the masked key only");
  }

  @Test
  void shouldFallBackToTheOwnersAccountForAnOlderReference() throws Exception {
    long id = cloud.leak(cloud.member1, "https://github.com/x");
    RemediationOutcome neutralized = outcome(cloud.member1, "leak record " + id, RemediationStatus.NEUTRALIZED,
        LeakSourceType.SECURITY_CENTER, cloud.member1);

    assertTrue(closer.handles(neutralized));
    closer.close(neutralized);

    assertEquals("dealed", listed(cloud.member1, id).status());
  }

  @Test
  void shouldLeaveOtherSourcesStatusesAndReferencesAlone() {
    long id = cloud.leak(cloud.member1, "https://github.com/x");
    String reference = new Reference(id, cloud.member1).text();

    assertFalse(closer.handles(outcome(cloud.member1, reference, RemediationStatus.ESCALATED,
        LeakSourceType.SECURITY_CENTER, cloud.member1)));
    assertFalse(closer.handles(outcome(cloud.member1, reference, RemediationStatus.ROTATED, LeakSourceType.GITHUB,
        cloud.member1)));
    assertFalse(closer.handles(outcome(cloud.member1, "alert 7", RemediationStatus.ROTATED,
        LeakSourceType.SECURITY_CENTER, cloud.member1)));
    assertFalse(closer.handles(outcome(cloud.member1, "leak record " + id, RemediationStatus.ROTATED,
        LeakSourceType.SECURITY_CENTER, null)));
  }

  @Test
  void shouldNotRetryAnUnknownRecordOrAnAccountItMayNotTouch() {
    RemediationOutcome unknown = outcome(cloud.member1, new Reference(424242, cloud.member1).text(),
        RemediationStatus.ROTATED, LeakSourceType.SECURITY_CENTER, cloud.member1);
    long deniedId = cloud.leak(cloud.denied, "https://github.com/x");
    RemediationOutcome denied = outcome(cloud.denied, new Reference(deniedId, cloud.denied).text(),
        RemediationStatus.ROTATED, LeakSourceType.SECURITY_CENTER, cloud.denied);

    CloudException notFound = assertThrows(CloudException.class, () -> closer.close(unknown));
    CloudException noPermission = assertThrows(CloudException.class, () -> closer.close(denied));

    assertEquals("DataNotExist", notFound.code());
    assertEquals("NoPermission", noPermission.code());
    assertFalse(closer.retryable(notFound));
    assertFalse(closer.retryable(noPermission));
  }

  @Test
  void shouldRetryThrottlingAndServerErrors() {
    long id = cloud.leak(cloud.member1, "https://github.com/x");
    cloud.emulator.faults().configure(new io.leakguard.emulator.Faults.Config(null, java.util.List.of(
        new io.leakguard.emulator.Faults.Rule("Sas:ModifyAccessKeyLeakDeal", null, "Throttling.User", 400, null,
            100)), null));
    RemediationOutcome rotated = outcome(cloud.member1, new Reference(id, cloud.member1).text(),
        RemediationStatus.ROTATED, LeakSourceType.SECURITY_CENTER, cloud.member1);

    CloudException throttled = assertThrows(CloudException.class, () -> closer.close(rotated));

    assertTrue(closer.retryable(throttled));
  }
}
