package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.auth.BasicCredentials;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.KeyView;
import io.leakguard.emulator.StateSnapshot;
import io.leakguard.runtime.SyntheticKeys;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.StepResult;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Key rotation against the emulator, through the real SDK over HTTP. */
class KeyRotationTest {

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
    fleet = CloudFleet.with(CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        FleetSettings.single(), new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
  }

  @AfterEach
  void tearDown() {
    fleet.close();
    emulator.close();
  }

  private void seed(String aliceKeys) {
    emulator.state().seedJson("""
        {"accounts":[{"accountId":"%s","alias":"test",
          "users":[
            {"userName":"leakguard","accessKeys":[{"accessKeyId":"%s","accessKeySecret":"%s"}],
             "policies":[{"policyName":"AliyunRAMFullAccess","policyType":"System"},
                         {"policyName":"AliyunKMSFullAccess","policyType":"System"}]},
            {"userName":"alice","email":"alice@example.com","accessKeys":[%s]}]}]}
        """.formatted(account, operatorId, operatorSecret, aliceKeys));
  }

  private String key(String id, String secret) {
    return "{\"accessKeyId\":\"%s\",\"accessKeySecret\":\"%s\"}".formatted(id, secret);
  }

  private RemediationOutcome remediate(String incidentId) {
    return new KeyRotation(fleet, "leakguard/{accountId}/{userName}", Clock.systemUTC())
        .remediate(Leaks.of(incidentId, leakedId, Instant.now()));
  }

  @Test
  void shouldRotateKeyWhenOwnerIsRamUser() throws Exception {
    // Given alice's key leaked
    seed(key(leakedId, leakedSecret));

    // When it is remediated
    RemediationOutcome outcome = remediate("inc-rotate");

    // Then the leaked key is deleted, alice has exactly the new key, and KMS holds it as ACSCurrent
    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertEquals(List.of("FindOwner", "CreateAccessKey", "StoreSecret", "DeleteAccessKey"),
        outcome.getSteps().stream().map(RemediationStep::getName).toList());
    assertTrue(outcome.getSteps().stream().allMatch(s -> s.getOutcome() == StepResult.OK));
    assertEquals("alice", outcome.getOwner().getUserName());
    assertEquals(account, outcome.getOwner().getAccountId());
    String newKey = outcome.getNewAccessKeyId();
    assertNotNull(newKey);
    assertNotEquals(leakedId, newKey);
    assertTrue(emulator.state().key(leakedId).isEmpty());
    StateSnapshot state = emulator.state().snapshot();
    assertEquals(List.of(newKey), state.keys().stream().filter(k -> "alice".equals(k.userName()))
        .map(KeyView::accessKeyId).toList());
    var secret = state.secrets().stream().filter(s -> s.secretName().equals("leakguard/" + account + "/alice"))
        .findFirst().orElseThrow();
    var current = secret.versions().stream().filter(v -> v.stages().contains("ACSCurrent")).findFirst().orElseThrow();
    assertEquals(newKey, current.accessKeyId());
    assertEquals("inc-rotate", current.versionId());
    assertNotNull(outcome.getTimeline().getNeutralizedAt());
    assertFalse(outcome.toString().contains(leakedSecret));
  }

  @Test
  void shouldVerifyTheEnrichedOwnerWithRamBeforeActing() {
    seed(key(leakedId, leakedSecret));

    RemediationOutcome outcome = new KeyRotation(fleet, "leakguard/{accountId}/{userName}", Clock.systemUTC())
        .remediate(Leaks.ownedBy("inc-known", leakedId, account, "alice"));

    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertEquals(List.of("VerifyOwner", "CreateAccessKey", "StoreSecret", "DeleteAccessKey"),
        outcome.getSteps().stream().map(RemediationStep::getName).toList());
  }

  @Test
  void shouldSearchTheFleetWhenTheEnrichedOwnerNoLongerHasTheKey() {
    seed(key(leakedId, leakedSecret));

    RemediationOutcome outcome = new KeyRotation(fleet, "leakguard/{accountId}/{userName}", Clock.systemUTC())
        .remediate(Leaks.ownedBy("inc-moved", leakedId, account, "leakguard"));

    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertEquals("alice", outcome.getOwner().getUserName());
    assertEquals(List.of("VerifyOwner", "FindOwner", "CreateAccessKey", "StoreSecret", "DeleteAccessKey"),
        outcome.getSteps().stream().map(RemediationStep::getName).toList());
  }

  @Test
  void shouldEscalateARootKeyWithoutTouchingIt() {
    seed(key(leakedId, leakedSecret));

    RemediationOutcome outcome = new KeyRotation(fleet, "leakguard/{accountId}/{userName}", Clock.systemUTC())
        .remediate(Leaks.builder("inc-root", leakedId, Instant.now())
            .setOwnerKind(io.leakguard.schemas.OwnerKind.ROOT_ACCOUNT).build());

    assertEquals(RemediationStatus.ESCALATED, outcome.getStatus());
    assertTrue(outcome.getSteps().isEmpty());
    assertTrue(emulator.state().key(leakedId).isPresent());
  }

  @Test
  void shouldRefuseTheLeakedKeyOnItsNextCall() {
    seed(key(leakedId, leakedSecret));
    remediate("inc-refuse");

    AlibabaCloud attacker = AlibabaCloud.with(
        CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        new StaticCredentialsProvider(new BasicCredentials(leakedId, leakedSecret)));
    CloudException refused = org.junit.jupiter.api.Assertions.assertThrows(CloudException.class,
        () -> attacker.ram().listUsers());
    assertEquals("InvalidAccessKeyId.NotFound", refused.code());
    assertEquals(CloudErrorClass.DENIED, refused.errorClass());
  }

  @Test
  void shouldEscalateAKeyThatNoUserOwns() {
    seed(key(SyntheticKeys.accessKeyId(), SyntheticKeys.secret()));

    RemediationOutcome outcome = remediate("inc-unknown");

    assertEquals(RemediationStatus.ESCALATED, outcome.getStatus());
    assertTrue(outcome.getReason().contains(account), outcome.getReason());
    assertEquals(null, outcome.getNewAccessKeyId());
  }

  @Test
  void shouldNeverDeleteTheLeakedKeyWhenNoReplacementCouldBeMade() {
    // Given alice already has two keys, the most RAM allows
    String other = SyntheticKeys.accessKeyId();
    seed(key(leakedId, leakedSecret) + "," + key(other, SyntheticKeys.secret()));

    RemediationOutcome outcome = remediate("inc-full");

    // Then the remediation fails at CreateAccessKey, says why, and neither key was touched
    assertEquals(RemediationStatus.FAILED, outcome.getStatus());
    assertTrue(outcome.getReason().startsWith("CreateAccessKey failed: LimitExceeded.User.AccessKey"), outcome.getReason());
    assertTrue(emulator.state().key(leakedId).isPresent());
    assertTrue(emulator.state().key(other).isPresent());
  }
}
