package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.kms.model.v20160120.CreateSecretRequest;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.aliyuncs.kms.model.v20160120.PutSecretValueRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyResponse;
import com.aliyuncs.ram.model.v20150501.CreateRoleRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Saving the state to a file and loading it into another emulator. */
class StateFileTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final TestCloud cloud = new TestCloud();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        cloud.close();
    }

    private HttpResponse<String> admin(TestCloud target, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(target.emulator.endpoint() + path))
                .header("Authorization", "Bearer " + target.emulator.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRestoreKeysRolesAndSecretVersionsFromSavedFile() throws Exception {
        // Given state changed through the API
        CreateAccessKeyRequest createKey = new CreateAccessKeyRequest();
        createKey.setUserName("bob");
        CreateAccessKeyResponse.AccessKey created = cloud.call(cloud.root, createKey).getAccessKey();
        CreateRoleRequest createRole = new CreateRoleRequest();
        createRole.setRoleName("Remediator");
        createRole.setAssumeRolePolicyDocument(RamRolePolicyTest.TRUST_ACCOUNT);
        cloud.call(cloud.root, createRole);
        CreateSecretRequest secret = new CreateSecretRequest();
        secret.setSecretName("app");
        secret.setVersionId("v1");
        secret.setSecretData("one");
        cloud.call(cloud.root, secret);
        PutSecretValueRequest put = new PutSecretValueRequest();
        put.setSecretName("app");
        put.setVersionId("v2");
        put.setSecretData("two");
        cloud.call(cloud.root, put);

        // When it is saved over the admin API and loaded into another emulator
        Path file = dir.resolve("state.json");
        assertEquals(200, admin(cloud, "/admin/state/save", "{\"file\":\"" + file + "\"}").statusCode());
        try (TestCloud other = new TestCloud()) {
            HttpResponse<String> loaded = admin(other, "/admin/state/load", "{\"file\":\"" + file + "\"}");

            // Then the other emulator serves the same identities and data
            assertEquals(200, loaded.statusCode(), loaded.body());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            TestCloud.Key newKey = new TestCloud.Key(created.getAccessKeyId(), created.getAccessKeySecret());
            assertEquals("acs:ram::" + TestCloud.ACCOUNT + ":user/bob",
                    other.call(newKey, new GetCallerIdentityRequest()).getArn());
            assertEquals("Remediator", other.emulator.state().snapshot().roles().get(0).roleName());
            assertEquals(cloud.emulator.state().snapshot().roles().get(0).roleId(),
                    other.emulator.state().snapshot().roles().get(0).roleId());
            GetSecretValueRequest previous = new GetSecretValueRequest();
            previous.setSecretName("app");
            previous.setVersionStage("ACSPrevious");
            assertEquals("one", other.call(cloud.root, previous).getSecretData());
            // the other emulator's own seed keys are gone: load replaces the state
            assertEquals("InvalidAccessKeyId.NotFound",
                    other.failure(other.alice, new GetCallerIdentityRequest()).getErrCode());
        }
    }

    @Test
    void shouldReport404ForMissingStateFile() throws Exception {
        HttpResponse<String> response = admin(cloud, "/admin/state/load", "{\"file\":\"" + dir.resolve("none.json") + "\"}");

        assertEquals(404, response.statusCode());
    }

    @Test
    void shouldRoundTripExportThroughFleetFormat() throws ClientException {
        Fleet exported = cloud.emulator.state().export();
        CloudState copy = new CloudState();

        copy.restore(Fleet.parse(exported.toJson()));

        assertEquals(cloud.emulator.state().snapshot(), copy.snapshot());
    }
}
