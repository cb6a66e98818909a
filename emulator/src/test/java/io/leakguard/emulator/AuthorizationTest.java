package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.aliyuncs.ram.model.v20150501.GetUserRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every call is authorized against the caller's policies. */
class AuthorizationTest {

    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    /** Gives bob one custom policy. */
    private void grantBob(String document) {
        cloud.emulator.state().seedJson("""
                {"accounts":[{"accountId":"%s",
                  "policies":[{"policyName":"BobPolicy","policyDocument":%s}],
                  "users":[{"userName":"bob","policies":[{"policyName":"BobPolicy","policyType":"Custom"}]}]}]}
                """.formatted(TestCloud.ACCOUNT, document));
    }

    @Test
    void shouldRefuseUserWithoutPoliciesButLetHimAskWhoHeIs() throws ClientException {
        assertEquals("NoPermission", cloud.failure(cloud.bob, new ListUsersRequest()).getErrCode());
        assertEquals("RAMUser", cloud.call(cloud.bob, new GetCallerIdentityRequest()).getIdentityType());
    }

    @Test
    void shouldAllowRootAndAdministratorEverything() throws ClientException {
        cloud.call(cloud.root, new ListUsersRequest());
        cloud.call(cloud.alice, new ListUsersRequest());
    }

    @Test
    void shouldMatchActionWildcards() throws ClientException {
        grantBob("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ram:List*\",\"Resource\":\"*\"}]}");

        cloud.call(cloud.bob, new ListUsersRequest());
        GetUserRequest get = new GetUserRequest();
        get.setUserName("alice");
        assertEquals("NoPermission", cloud.failure(cloud.bob, get).getErrCode());
    }

    @Test
    void shouldMatchResourceArns() throws ClientException {
        // Given bob may read only the secret named app/*
        grantBob("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"kms:GetSecretValue\","
                + "\"Resource\":\"acs:kms:*:" + TestCloud.ACCOUNT + ":secret/app/*\"}]}");
        for (String name : List.of("app/db", "payroll")) {
            CreateSecretRequest create = new CreateSecretRequest();
            create.setSecretName(name);
            create.setVersionId("v1");
            create.setSecretData("x");
            cloud.call(cloud.root, create);
        }

        // When / Then
        GetSecretValueRequest allowed = new GetSecretValueRequest();
        allowed.setSecretName("app/db");
        cloud.call(cloud.bob, allowed);
        GetSecretValueRequest denied = new GetSecretValueRequest();
        denied.setSecretName("payroll");
        assertEquals("NoPermission", cloud.failure(cloud.bob, denied).getErrCode());
    }

    @Test
    void shouldLetExplicitDenyWin() {
        // Given bob has both an Allow for everything and a Deny for RAM
        grantBob("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"ram:*\",\"Resource\":\"*\"}]}");

        assertEquals("NoPermission", cloud.failure(cloud.bob, new ListUsersRequest()).getErrCode());
    }
}
