package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import io.leakguard.cloud.Product;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A leaked STS token against the emulator: purge and reincarnate, the latter interrupted and resumed.
 */
class RoleRemediationTest extends EmulatedCloudTest {

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
    assertTrue(fleet.account(account).kms().textVersion(RoleRecord.secretName(account, ROLE), "inc-purge")
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
}
