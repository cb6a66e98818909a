package io.leakguard.emulator;

import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.aliyuncs.ram.model.v20150501.CreateRoleRequest;
import com.aliyuncs.ram.model.v20150501.DeleteRoleRequest;
import com.aliyuncs.ram.model.v20150501.DetachPolicyFromRoleRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.sts.model.v20150401.AssumeRoleRequest;
import com.aliyuncs.sts.model.v20150401.AssumeRoleResponse;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STS AssumeRole and the life of its tokens. */
class StsAssumeRoleTest {

    private final MutableClock clock = new MutableClock();
    private final TestCloud cloud = new TestCloud(clock);
    private final String roleArn = "acs:ram::" + TestCloud.ACCOUNT + ":role/remediator";

    StsAssumeRoleTest() {
        // A role trusted by the whole account, allowed to use RAM and KMS.
        cloud.emulator.state().seed(new Fleet(List.of(new Fleet.AccountSeed(TestCloud.ACCOUNT, null, null, null, null,
                List.of(new Fleet.RoleSeed("Remediator", null, "", json(RamRolePolicyTest.TRUST_ACCOUNT), null, null,
                        List.of(new Fleet.PolicyRef("AliyunRAMFullAccess", "System"),
                                new Fleet.PolicyRef("AliyunKMSFullAccess", "System")))),
                null))));
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        cloud.close();
    }

    private AssumeRoleResponse.Credentials assume(TestCloud.Key key) throws ClientException {
        AssumeRoleRequest request = new AssumeRoleRequest();
        request.setRoleArn(roleArn);
        request.setRoleSessionName("leakguard");
        return cloud.call(key, request).getCredentials();
    }

    private IAcsClient session(AssumeRoleResponse.Credentials c) {
        return cloud.stsClient(c.getAccessKeyId(), c.getAccessKeySecret(), c.getSecurityToken());
    }

    @Test
    void shouldIssueTemporaryCredentialsInDocumentedFormats() throws ClientException {
        // When
        AssumeRoleRequest request = new AssumeRoleRequest();
        request.setRoleArn(roleArn);
        request.setRoleSessionName("leakguard");
        request.setDurationSeconds(900L);
        AssumeRoleResponse response = cloud.call(cloud.alice, request);

        // Then
        AssumeRoleResponse.Credentials c = response.getCredentials();
        assertTrue(c.getAccessKeyId().startsWith("STS."));
        assertTrue(c.getSecurityToken().startsWith("CAIS"));
        assertTrue(c.getExpiration().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(clock.instant().plusSeconds(900).getEpochSecond(), Instant.parse(c.getExpiration()).getEpochSecond());
        String roleId = cloud.emulator.state().snapshot().roles().get(0).roleId();
        assertEquals(roleId + ":leakguard", response.getAssumedRoleUser().getAssumedRoleId());
        assertEquals(roleArn + "/leakguard", response.getAssumedRoleUser().getArn());
        StateSnapshot.SessionView session = cloud.emulator.state().snapshot().sessions().get(0);
        assertEquals(c.getAccessKeyId(), session.accessKeyId());
        assertEquals(cloud.alice.id(), session.sourceAccessKeyId());
    }

    @Test
    void shouldIdentifyAssumedRoleCaller() throws ClientException {
        GetCallerIdentityResponse identity = cloud.call(session(assume(cloud.root)), new GetCallerIdentityRequest());

        String roleId = cloud.emulator.state().snapshot().roles().get(0).roleId();
        assertEquals("AssumedRoleUser", identity.getIdentityType());
        assertEquals("acs:ram::" + TestCloud.ACCOUNT + ":assumed-role/Remediator/leakguard", identity.getArn());
        assertEquals(roleId + ":leakguard", identity.getPrincipalId());
        assertEquals(roleId, identity.getRoleId());
        assertEquals(TestCloud.ACCOUNT, identity.getAccountId());
    }

    @Test
    void shouldGrantTheRolesPermissionsToTheToken() throws ClientException {
        IAcsClient session = session(assume(cloud.root));

        assertEquals(List.of("alice", "bob"), cloud.call(session, new ListUsersRequest()).getUsers().stream()
                .map(com.aliyuncs.ram.model.v20150501.ListUsersResponse.User::getUserName).toList());
    }

    @Test
    void shouldRefuseAssumeRoleWhenTrustPolicyDoesNotAllowCaller() throws ClientException {
        // Given a role that trusts only user bob
        CreateRoleRequest create = new CreateRoleRequest();
        create.setRoleName("BobOnly");
        create.setAssumeRolePolicyDocument("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\","
                + "\"Principal\":{\"RAM\":[\"acs:ram::" + TestCloud.ACCOUNT + ":user/bob\"]}}]}");
        cloud.call(cloud.root, create);

        // When alice (an administrator, but not trusted) tries
        AssumeRoleRequest request = new AssumeRoleRequest();
        request.setRoleArn("acs:ram::" + TestCloud.ACCOUNT + ":role/bobonly");
        request.setRoleSessionName("attempt");

        // Then
        assertEquals("NoPermission", cloud.failure(cloud.alice, request).getErrCode());
    }

    @Test
    void shouldRefuseAssumeRoleWithoutStsPermission() {
        // bob is trusted through the account but has no policy at all
        AssumeRoleRequest request = new AssumeRoleRequest();
        request.setRoleArn(roleArn);
        request.setRoleSessionName("bob");

        assertEquals("NoPermission", cloud.failure(cloud.bob, request).getErrCode());
    }

    @Test
    void shouldRefuseBadAssumeRoleParameters() {
        AssumeRoleRequest request = new AssumeRoleRequest();
        request.setRoleArn("acs:ram::" + TestCloud.ACCOUNT + ":role/ghost");
        request.setRoleSessionName("s1");
        assertEquals("EntityNotExist.Role", cloud.failure(cloud.root, request).getErrCode());

        request.setRoleArn("arn:aws:iam::123:role/x");
        assertEquals("InvalidParameter.RoleArn", cloud.failure(cloud.root, request).getErrCode());

        request.setRoleArn(roleArn);
        request.setDurationSeconds(100L);
        assertEquals("InvalidParameter.DurationSeconds", cloud.failure(cloud.root, request).getErrCode());

        request.setDurationSeconds(null);
        request.setRoleSessionName("bad session!");
        assertEquals("InvalidParameter.RoleSessionName", cloud.failure(cloud.root, request).getErrCode());
    }

    @Test
    void shouldRefuseTokenAfterItsExpiration() throws ClientException {
        // Given a 15-minute token that works
        AssumeRoleRequest request = new AssumeRoleRequest();
        request.setRoleArn(roleArn);
        request.setRoleSessionName("short");
        request.setDurationSeconds(900L);
        IAcsClient session = session(cloud.call(cloud.root, request).getCredentials());
        cloud.call(session, new GetCallerIdentityRequest());

        // When its expiration passes
        clock.advance(Duration.ofSeconds(901));

        // Then it is refused
        assertEquals("InvalidSecurityToken.Expired", cloud.failure(session, new GetCallerIdentityRequest()).getErrCode());
    }

    @Test
    void shouldRefuseStsKeyPresentedWithAnotherToken() throws ClientException {
        AssumeRoleResponse.Credentials first = assume(cloud.root);
        AssumeRoleResponse.Credentials second = assume(cloud.root);

        IAcsClient mixed = cloud.stsClient(first.getAccessKeyId(), first.getAccessKeySecret(), second.getSecurityToken());

        assertEquals("InvalidSecurityToken.MismatchWithAccessKey",
                cloud.failure(mixed, new GetCallerIdentityRequest()).getErrCode());
    }

    @Test
    void shouldStripLiveTokenWhenRolePoliciesAreDetached() throws ClientException {
        // Given a token that can read a secret
        CreateSecretRequest create = new CreateSecretRequest();
        create.setSecretName("db");
        create.setVersionId("v1");
        create.setSecretData("pw");
        cloud.call(cloud.root, create);
        IAcsClient session = session(assume(cloud.root));
        GetSecretValueRequest get = new GetSecretValueRequest();
        get.setSecretName("db");
        assertEquals("pw", cloud.call(session, get).getSecretData());

        // When the role's policies are detached
        for (String policy : List.of("AliyunRAMFullAccess", "AliyunKMSFullAccess")) {
            DetachPolicyFromRoleRequest detach = new DetachPolicyFromRoleRequest();
            detach.setRoleName("Remediator");
            detach.setPolicyType("System");
            detach.setPolicyName(policy);
            cloud.call(cloud.root, detach);
        }

        // Then the same token's next calls are NoPermission, but it is still a valid identity
        GetSecretValueRequest again = new GetSecretValueRequest();
        again.setSecretName("db");
        assertEquals("NoPermission", cloud.failure(session, again).getErrCode());
        assertEquals("NoPermission", cloud.failure(session, new ListUsersRequest()).getErrCode());
        assertEquals("AssumedRoleUser", cloud.call(session, new GetCallerIdentityRequest()).getIdentityType());
    }

    @Test
    void shouldKillEarlierTokensWhenRoleIsDeletedAndRecreated() throws ClientException {
        // Given a live token of the role
        IAcsClient session = session(assume(cloud.root));
        cloud.call(session, new ListUsersRequest());

        // When the role is deleted and created again under the same name, with the same policies
        for (String policy : List.of("AliyunRAMFullAccess", "AliyunKMSFullAccess")) {
            DetachPolicyFromRoleRequest detach = new DetachPolicyFromRoleRequest();
            detach.setRoleName("Remediator");
            detach.setPolicyType("System");
            detach.setPolicyName(policy);
            cloud.call(cloud.root, detach);
        }
        DeleteRoleRequest delete = new DeleteRoleRequest();
        delete.setRoleName("Remediator");
        cloud.call(cloud.root, delete);
        CreateRoleRequest create = new CreateRoleRequest();
        create.setRoleName("Remediator");
        create.setAssumeRolePolicyDocument(RamRolePolicyTest.TRUST_ACCOUNT);
        cloud.call(cloud.root, create);
        var attach = new com.aliyuncs.ram.model.v20150501.AttachPolicyToRoleRequest();
        attach.setRoleName("Remediator");
        attach.setPolicyType("System");
        attach.setPolicyName("AliyunRAMFullAccess");
        cloud.call(cloud.root, attach);

        // Then the old token is dead, while a new one works
        assertEquals("InvalidSecurityToken.Expired", cloud.failure(session, new GetCallerIdentityRequest()).getErrCode());
        cloud.call(session(assume(cloud.root)), new ListUsersRequest());
    }

    @Test
    void shouldLimitTokenBySessionPolicy() throws ClientException {
        AssumeRoleRequest request = new AssumeRoleRequest();
        request.setRoleArn(roleArn);
        request.setRoleSessionName("narrow");
        request.setPolicy("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:*\",\"Resource\":\"*\"}]}");
        IAcsClient session = session(cloud.call(cloud.root, request).getCredentials());

        assertEquals("NoPermission", cloud.failure(session, new ListUsersRequest()).getErrCode());
    }
}
