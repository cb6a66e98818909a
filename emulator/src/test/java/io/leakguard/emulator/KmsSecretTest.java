package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.CreateSecretResponse;
import com.aliyuncs.kms.model.v20160120.DescribeSecretRequest;
import com.aliyuncs.kms.model.v20160120.DescribeSecretResponse;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.aliyuncs.kms.model.v20160120.GetSecretValueResponse;
import com.aliyuncs.kms.model.v20160120.ListSecretVersionIdsRequest;
import com.aliyuncs.kms.model.v20160120.ListSecretVersionIdsResponse;
import com.aliyuncs.kms.model.v20160120.PutSecretValueRequest;
import com.aliyuncs.kms.model.v20160120.PutSecretValueResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KMS Secrets Manager for Generic secrets through the real SDK. */
class KmsSecretTest {

    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private CreateSecretResponse create(String name, String versionId, String data) throws ClientException {
        CreateSecretRequest request = new CreateSecretRequest();
        request.setSecretName(name);
        request.setVersionId(versionId);
        request.setSecretData(data);
        return cloud.call(cloud.root, request);
    }

    private PutSecretValueResponse put(String name, String versionId, String data) throws ClientException {
        PutSecretValueRequest request = new PutSecretValueRequest();
        request.setSecretName(name);
        request.setVersionId(versionId);
        request.setSecretData(data);
        return cloud.call(cloud.root, request);
    }

    private GetSecretValueResponse get(String name, String stage, String versionId) throws ClientException {
        GetSecretValueRequest request = new GetSecretValueRequest();
        request.setSecretName(name);
        request.setVersionStage(stage);
        request.setVersionId(versionId);
        return cloud.call(cloud.root, request);
    }

    @Test
    void shouldCreateSecretWithDocumentedArn() throws ClientException {
        CreateSecretResponse response = create("db-password", "v1", "s3cr3t");

        assertEquals("acs:kms:cn-hangzhou:" + TestCloud.ACCOUNT + ":secret/db-password", response.getArn());
        assertEquals("v1", response.getVersionId());
        assertEquals("Generic", response.getSecretType());
    }

    @Test
    void shouldRefuseCreatingExistingSecret() throws ClientException {
        create("db-password", "v1", "s3cr3t");

        CreateSecretRequest again = new CreateSecretRequest();
        again.setSecretName("db-password");
        again.setVersionId("v1");
        again.setSecretData("other");
        ClientException e = cloud.failure(cloud.root, again);

        assertEquals("Rejected.ResourceExist", e.getErrCode());
    }

    @Test
    void shouldRoundTripSecretDataWithEveryEncodingEdgeCase() throws ClientException {
        // Given data that exercises percent-encoding, JSON escaping and non-ASCII
        String data = "{\"AccessKeyId\":\"LTAIx\",\"note\":\"m a+b*~/é = <&> ' \\\" 漢字\"}";
        create("tricky", "v1", data);

        // When / Then the SDK reads back exactly what it sent
        assertEquals(data, get("tricky", null, null).getSecretData());
    }

    @Test
    void shouldMoveStagesWhenNewVersionIsPut() throws ClientException {
        // Given v1, then v2, then v3
        create("app", "v1", "one");
        PutSecretValueResponse v2 = put("app", "v2", "two");
        put("app", "v3", "three");

        // Then v3 is current, v2 previous, v1 has no stage left
        assertEquals(List.of("ACSCurrent"), v2.getVersionStages());
        assertEquals("three", get("app", null, null).getSecretData());
        GetSecretValueResponse previous = get("app", "ACSPrevious", null);
        assertEquals("v2", previous.getVersionId());
        assertEquals(List.of("ACSPrevious"), previous.getVersionStages());
        assertEquals("one", get("app", null, "v1").getSecretData());
    }

    @Test
    void shouldTreatSameVersionWithSameDataAsIdempotent() throws ClientException {
        create("app", "v1", "one");
        put("app", "v2", "two");

        PutSecretValueResponse again = put("app", "v2", "two");

        assertEquals("v2", again.getVersionId());
        assertEquals("v2", get("app", null, null).getVersionId());
    }

    @Test
    void shouldRefuseSameVersionWithDifferentData() throws ClientException {
        create("app", "v1", "one");

        PutSecretValueRequest request = new PutSecretValueRequest();
        request.setSecretName("app");
        request.setVersionId("v1");
        request.setSecretData("changed");

        assertEquals("Rejected.ResourceExist", cloud.failure(cloud.root, request).getErrCode());
    }

    @Test
    void shouldRefuseUnknownSecretWithResourceNotFound() {
        PutSecretValueRequest put = new PutSecretValueRequest();
        put.setSecretName("nope");
        put.setVersionId("v1");
        put.setSecretData("x");
        GetSecretValueRequest get = new GetSecretValueRequest();
        get.setSecretName("nope");

        assertEquals("Forbidden.ResourceNotFound", cloud.failure(cloud.root, put).getErrCode());
        assertEquals("Forbidden.ResourceNotFound", cloud.failure(cloud.root, get).getErrCode());
    }

    @Test
    void shouldRefuseUnknownStage() throws ClientException {
        create("app", "v1", "one");

        GetSecretValueRequest request = new GetSecretValueRequest();
        request.setSecretName("app");
        request.setVersionStage("ACSPrevious");

        assertEquals("Forbidden.ResourceNotFound", cloud.failure(cloud.root, request).getErrCode());
    }

    @Test
    void shouldDescribeSecret() throws ClientException {
        create("app", "v1", "one");

        DescribeSecretRequest request = new DescribeSecretRequest();
        request.setSecretName("app");
        DescribeSecretResponse response = cloud.call(cloud.root, request);

        assertEquals("app", response.getSecretName());
        assertEquals("acs:kms:cn-hangzhou:" + TestCloud.ACCOUNT + ":secret/app", response.getArn());
        assertEquals("Generic", response.getSecretType());
        assertTrue(response.getTags().isEmpty());
    }

    @Test
    void shouldListVersionIdsWithStagesAndHideDeprecatedByDefault() throws ClientException {
        create("app", "v1", "one");
        put("app", "v2", "two");
        put("app", "v3", "three");

        ListSecretVersionIdsRequest request = new ListSecretVersionIdsRequest();
        request.setSecretName("app");
        ListSecretVersionIdsResponse response = cloud.call(cloud.root, request);
        request.setIncludeDeprecated("true");
        ListSecretVersionIdsResponse all = cloud.call(cloud.root, request);

        Map<String, List<String>> stages = response.getVersionIds().stream().collect(Collectors.toMap(
                ListSecretVersionIdsResponse.VersionId::getVersionId,
                ListSecretVersionIdsResponse.VersionId::getVersionStages));
        assertEquals(Map.of("v2", List.of("ACSPrevious"), "v3", List.of("ACSCurrent")), stages);
        assertEquals(2, response.getTotalCount());
        assertEquals(3, all.getVersionIds().size());
    }
}
