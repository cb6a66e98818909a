package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.CreateSecretResponse;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.aliyuncs.kms.model.v20160120.GetSecretValueResponse;
import com.aliyuncs.kms.model.v20160120.RotateSecretRequest;
import com.aliyuncs.kms.model.v20160120.RotateSecretResponse;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RAMCredentials secrets: creation with ExtendedConfig, and RotateSecret replacing the user's key. */
class KmsRamCredentialsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private CreateSecretResponse createBobSecret() throws ClientException {
        CreateSecretRequest request = new CreateSecretRequest();
        request.setSecretName("bob-ak");
        request.setSecretType("RAMCredentials");
        request.setVersionId("v0");
        request.setExtendedConfig("{\"SecretSubType\":\"RamUserAccessKey\",\"UserName\":\"bob\",\"CustomData\":{}}");
        request.setSecretData("{\"AccessKeys\":[{\"AccessKeyId\":\"" + cloud.bob.id() + "\",\"AccessKeySecret\":\""
                + cloud.bob.secret() + "\"}]}");
        request.setEnableAutomaticRotation(true);
        request.setRotationInterval("7d");
        return cloud.call(cloud.root, request);
    }

    private JsonNode current() throws Exception {
        GetSecretValueRequest get = new GetSecretValueRequest();
        get.setSecretName("bob-ak");
        GetSecretValueResponse response = cloud.call(cloud.root, get);
        assertEquals("RAMCredentials", response.getSecretType());
        return JSON.readTree(response.getSecretData());
    }

    @Test
    void shouldStoreRamCredentialsInTheFormGetSecretValueReturns() throws Exception {
        CreateSecretResponse created = createBobSecret();

        JsonNode data = current();
        assertEquals("RAMCredentials", created.getSecretType());
        assertEquals("Enabled", created.getAutomaticRotation());
        assertEquals("604800s", created.getRotationInterval());
        assertEquals(cloud.bob.id(), data.path("AccessKeyId").asText());
        assertEquals(cloud.bob.secret(), data.path("AccessKeySecret").asText());
    }

    @Test
    void shouldRefuseRamCredentialsForSomeoneElsesKey() {
        CreateSecretRequest request = new CreateSecretRequest();
        request.setSecretName("bob-ak");
        request.setSecretType("RAMCredentials");
        request.setVersionId("v0");
        request.setExtendedConfig("{\"SecretSubType\":\"RamUserAccessKey\",\"UserName\":\"bob\"}");
        request.setSecretData("{\"AccessKeyId\":\"" + cloud.alice.id() + "\",\"AccessKeySecret\":\"" + cloud.alice.secret() + "\"}");

        assertEquals("InvalidParameter", cloud.failure(cloud.root, request).getErrCode());
    }

    @Test
    void shouldRotateByCreatingNewKeyAndDeletingOldOne() throws Exception {
        // Given bob's key is managed by a secret
        createBobSecret();

        // When it is rotated
        RotateSecretRequest rotate = new RotateSecretRequest();
        rotate.setSecretName("bob-ak");
        rotate.setVersionId("rotation-1");
        RotateSecretResponse response = cloud.call(cloud.root, rotate);

        // Then the secret holds a new working pair and the old key is refused
        JsonNode data = current();
        String newId = data.path("AccessKeyId").asText();
        assertEquals("rotation-1", response.getVersionId());
        assertNotEquals(cloud.bob.id(), newId);
        TestCloud.Key newKey = new TestCloud.Key(newId, data.path("AccessKeySecret").asText());
        assertEquals("acs:ram::" + TestCloud.ACCOUNT + ":user/bob",
                cloud.call(newKey, new GetCallerIdentityRequest()).getArn());
        assertEquals("InvalidAccessKeyId.NotFound",
                cloud.failure(cloud.bob, new GetCallerIdentityRequest()).getErrCode());
        GetSecretValueRequest previous = new GetSecretValueRequest();
        previous.setSecretName("bob-ak");
        previous.setVersionStage("ACSPrevious");
        assertTrue(cloud.call(cloud.root, previous).getSecretData().contains(cloud.bob.id()));
    }

    @Test
    void shouldTreatRepeatedRotationVersionIdAsNoOp() throws Exception {
        createBobSecret();
        RotateSecretRequest rotate = new RotateSecretRequest();
        rotate.setSecretName("bob-ak");
        rotate.setVersionId("rotation-1");
        cloud.call(cloud.root, rotate);
        String afterFirst = current().path("AccessKeyId").asText();

        cloud.call(cloud.root, rotate);

        assertEquals(afterFirst, current().path("AccessKeyId").asText());
        assertEquals(1, cloud.emulator.state().snapshot().keys().stream()
                .filter(k -> k.userName().equals("bob")).count());
    }

    @Test
    void shouldRotateEvenWhenTheUserAlreadyHasTwoKeys() throws Exception {
        // Given bob has a second, unmanaged key
        createBobSecret();
        var create = new com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest();
        create.setUserName("bob");
        String other = cloud.call(cloud.root, create).getAccessKey().getAccessKeyId();

        // When
        RotateSecretRequest rotate = new RotateSecretRequest();
        rotate.setSecretName("bob-ak");
        rotate.setVersionId("rotation-1");
        cloud.call(cloud.root, rotate);

        // Then the managed key was replaced and the other one kept
        var keys = cloud.emulator.state().snapshot().keys().stream()
                .filter(k -> k.userName().equals("bob")).map(KeyView::accessKeyId).toList();
        assertEquals(2, keys.size());
        assertTrue(keys.contains(other));
        assertTrue(keys.contains(current().path("AccessKeyId").asText()));
    }

    @Test
    void shouldRefuseRotatingGenericSecret() throws ClientException {
        CreateSecretRequest create = new CreateSecretRequest();
        create.setSecretName("plain");
        create.setVersionId("v1");
        create.setSecretData("x");
        cloud.call(cloud.root, create);
        RotateSecretRequest rotate = new RotateSecretRequest();
        rotate.setSecretName("plain");
        rotate.setVersionId("v2");

        assertEquals("InvalidParameter", cloud.failure(cloud.root, rotate).getErrCode());
        rotate.setSecretName("missing");
        assertEquals("Forbidden.ResourceNotFound", cloud.failure(cloud.root, rotate).getErrCode());
    }
}
