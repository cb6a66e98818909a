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
    return journalFor(tokenLeak(token, incident).build(), policy);
  }

  private LeakEnriched.Builder tokenLeak(AssumeRoleResponse.Credentials token, String incident) {
    return Leaks.builder(incident, token.getAccessKeyId(), Instant.now())
        .setKind(CredentialKind.STS_TOKEN).setOwnerKind(OwnerKind.ASSUMED_ROLE)
        .setOwner(Owner.newBuilder().setAccountId(account).setRoleName(ROLE).build());
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

  @Test
  void shouldKeepATokenWorkingFromItsKnownAddressesOnlyWhenDenyingNewIps() throws Exception {
    // Given a token of the role that production uses from 198.51.100.7, and the attacker from 203.0.113.66
    String appId = SyntheticKeys.accessKeyId();
    String appSecret = SyntheticKeys.secret();
    seedRole(appId, appSecret);
    AssumeRoleResponse.Credentials token = assumeRole(appId, appSecret);
    LeakEnriched leak = tokenLeak(token, "inc-deny").setUsedFromIps(List.of(KNOWN_IP, ATTACKER_IP)).setSuspiciousIps(List.of(ATTACKER_IP)).build();

    // When it leaks and the policy says deny-new-ips (run twice: a resumed run finds its policy and attachment)
    RemediationJournal opened = journalFor(leak, "{\"default\":{\"stsToken\":\"deny-new-ips\"}}");
    runUntil(opened, after("CreatePolicy"));
    RemediationJournal done = run(opened);

    // Then nothing is detached, the Deny policy is attached, and the token works only from the known address
    assertEquals(RemediationStatus.NEUTRALIZED, done.getStatus(), done.getReason());
    assertEquals(List.of(KNOWN_IP), done.getKnownIps());
    assertEquals(List.of(), done.getDetachedPolicies());
    String deny = "LeakGuardDenyNewIps-inc-deny";
    assertEquals(deny, done.getDenyPolicy());
    assertEquals(List.of("System:AliyunRAMReadOnlyAccess", "System:AliyunKMSFullAccess", "Custom:" + deny),
        fleet.account(account).ram().listPoliciesForRole(ROLE).stream().map(Object::toString).toList());
    listUsersFrom(token, KNOWN_IP);
    CloudException refused = assertThrows(CloudException.class, () -> listUsersFrom(token, ATTACKER_IP));
    assertEquals("NoPermission", refused.code());
    // a fresh token of the role obeys the same Deny: production keeps working from where it runs
    AssumeRoleResponse.Credentials fresh = assumeRole(appId, appSecret);
    listUsersFrom(fresh, KNOWN_IP);
    assertThrows(CloudException.class, () -> listUsersFrom(fresh, ATTACKER_IP));
    assertEquals(1, done.getSteps().stream().filter(s -> s.getName().equals("AttachPolicyToRole")).count());
    assertTrue(done.getPlan().get(0).contains("acs:SourceIp is not one of [" + KNOWN_IP + "]"),
        done.getPlan().toString());
  }

  private static final String KNOWN_IP = "198.51.100.7";
  private static final String ATTACKER_IP = "203.0.113.66";

  /** ListUsers with the token, as a caller at {@code ip} (the emulator reads X-Forwarded-For). */
  private void listUsersFrom(AssumeRoleResponse.Credentials token, String ip) throws CloudException {
    var request = new com.aliyuncs.ram.model.v20150501.ListUsersRequest();
    request.putHeaderParameter("X-Forwarded-For", ip);
    new CloudCaller(settings(), new StaticCredentialsProvider(new BasicSessionCredentials(token.getAccessKeyId(),
        token.getAccessKeySecret(), token.getSecurityToken()))).call(Product.RAM, request);
  }
}
