package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin JSON API over real HTTP. */
class AdminApiTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private HttpResponse<String> admin(String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.emulator.endpoint() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(String method, String path, String body) throws IOException, InterruptedException {
        return admin(method, path, body, cloud.emulator.adminToken());
    }

    private String fleet(TestCloud.Key root, TestCloud.Key carol) {
        return """
                {"accounts":[{"accountId":"2000000000000002","alias":"other",
                  "rootKeys":[{"accessKeyId":"%s","accessKeySecret":"%s"}],
                  "users":[{"userName":"carol","displayName":"Carol","email":"carol@example.com","mobilePhone":"","comments":"",
                            "accessKeys":[{"accessKeyId":"%s","accessKeySecret":"%s","status":"Active"}]}]}]}
                """.formatted(root.id(), root.secret(), carol.id(), carol.secret());
    }

    @Test
    void shouldRefuseCallsWithoutTheAdminToken() throws Exception {
        assertEquals(401, admin("GET", "/admin/state", null, null).statusCode());
        assertEquals(401, admin("GET", "/admin/state", null, "not-the-token").statusCode());
        assertEquals(401, admin("POST", "/admin/fleet", "{}", cloud.emulator.adminToken() + "x").statusCode());
    }

    @Test
    void shouldSeedFleetIdempotentlyAndMakeItsKeysUsable() throws Exception {
        // Given a fleet with a second account
        TestCloud.Key root = TestCloud.newKey();
        TestCloud.Key carol = TestCloud.newKey();
        String fleet = fleet(root, carol);

        // When it is posted twice
        HttpResponse<String> first = admin("POST", "/admin/fleet", fleet);
        String stateAfterFirst = admin("GET", "/admin/state", null).body();
        HttpResponse<String> second = admin("POST", "/admin/fleet", fleet);
        String stateAfterSecond = admin("GET", "/admin/state", null).body();

        // Then both succeed, nothing changed the second time, and carol's key works
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(200, second.statusCode(), second.body());
        assertEquals(stateAfterFirst, stateAfterSecond);
        var identity = cloud.call(carol, new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest());
        assertEquals("2000000000000002", identity.getAccountId());
        assertEquals("acs:ram::2000000000000002:user/carol", identity.getArn());
    }

    @Test
    void shouldSeedFleetFromFileOnTheEmulatorsMachine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        TestCloud.Key carol = TestCloud.newKey();
        java.nio.file.Path file = dir.resolve("fleet.json");
        java.nio.file.Files.writeString(file, fleet(TestCloud.newKey(), carol));

        HttpResponse<String> loaded = admin("POST", "/admin/fleet/load", "{\"file\":\"" + file + "\"}");
        HttpResponse<String> missing = admin("POST", "/admin/fleet/load", "{\"file\":\"" + dir.resolve("no.json") + "\"}");

        assertEquals(200, loaded.statusCode(), loaded.body());
        assertEquals("carol", cloud.emulator.state().key(carol.id()).orElseThrow().userName());
        assertEquals(404, missing.statusCode());
    }

    @Test
    void shouldRefuseBadFleetWithClearMessageAndChangeNothing() throws Exception {
        String before = admin("GET", "/admin/state", null).body();

        HttpResponse<String> notJson = admin("POST", "/admin/fleet", "{not json");
        HttpResponse<String> badAccount = admin("POST", "/admin/fleet", "{\"accounts\":[{\"accountId\":\"12\"}]}");
        HttpResponse<String> unknownField = admin("POST", "/admin/fleet", "{\"acounts\":[]}");
        // the second account is bad: the first must not be applied either
        HttpResponse<String> halfBad = admin("POST", "/admin/fleet", """
                {"accounts":[{"accountId":"3000000000000003"},{"accountId":"4000000000000004",
                  "users":[{"userName":"x","policies":[{"policyName":"NoSuchPolicy"}]}]}]}""");

        assertEquals(400, notJson.statusCode());
        assertEquals(400, badAccount.statusCode());
        assertTrue(JSON.readTree(badAccount.body()).path("error").asText().contains("accountId must be 16 digits"));
        assertEquals(400, unknownField.statusCode());
        assertTrue(unknownField.body().contains("acounts"));
        assertEquals(400, halfBad.statusCode());
        assertTrue(halfBad.body().contains("NoSuchPolicy"));
        assertEquals(before, admin("GET", "/admin/state", null).body());
    }

    @Test
    void shouldRefuseKeyIdSeededForAnotherOwner() throws Exception {
        String stolen = """
                {"accounts":[{"accountId":"2000000000000002","rootKeys":[{"accessKeyId":"%s","accessKeySecret":"x"}]}]}
                """.formatted(cloud.alice.id());

        HttpResponse<String> response = admin("POST", "/admin/fleet", stolen);

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains(cloud.alice.id()));
    }

    @Test
    void shouldShowStateWithoutAnySecret() throws Exception {
        // Given a used key and a secret holding an AccessKey pair
        cloud.call(cloud.bob, new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest());
        String secretData = "{\"AccessKeyId\":\"" + cloud.bob.id() + "\",\"AccessKeySecret\":\"" + cloud.bob.secret() + "\"}";
        var create = new com.aliyuncs.kms.model.v20160120.CreateSecretRequest();
        create.setSecretName("bob-key");
        create.setVersionId("v1");
        create.setSecretData(secretData);
        cloud.call(cloud.root, create);

        // When
        HttpResponse<String> response = admin("GET", "/admin/state", null);
        JsonNode state = JSON.readTree(response.body());

        // Then keys and secrets are described, and no secret value appears anywhere
        assertEquals(200, response.statusCode());
        assertFalse(response.body().contains(cloud.bob.secret()));
        assertFalse(response.body().contains(cloud.root.secret()));
        assertFalse(response.body().contains(cloud.alice.secret()));
        JsonNode bobKey = find(state.path("keys"), "accessKeyId", cloud.bob.id());
        assertEquals("user/bob", bobKey.path("owner").asText());
        assertEquals("Active", bobKey.path("status").asText());
        assertFalse(bobKey.path("lastUsed").asText().isEmpty());
        assertEquals("root", find(state.path("keys"), "accessKeyId", cloud.root.id()).path("owner").asText());
        JsonNode version = find(state.path("secrets"), "secretName", "bob-key").path("versions").get(0);
        assertEquals(cloud.bob.id(), version.path("accessKeyId").asText());
        assertEquals("ACSCurrent", version.path("stages").get(0).asText());
        assertEquals("System:AdministratorAccess",
                find(state.path("users"), "userName", "alice").path("policies").get(0).asText());
    }

    @Test
    void shouldDescribeOneKeyOr404() throws Exception {
        HttpResponse<String> found = admin("GET", "/admin/keys/" + cloud.alice.id(), null);
        HttpResponse<String> missing = admin("GET", "/admin/keys/LTAInope", null);

        JsonNode key = JSON.readTree(found.body());
        assertEquals(200, found.statusCode());
        assertEquals(cloud.alice.id(), key.path("accessKeyId").asText());
        assertEquals(TestCloud.ACCOUNT, key.path("accountId").asText());
        assertEquals("alice", key.path("userName").asText());
        assertEquals("Active", key.path("status").asText());
        assertFalse(found.body().contains(cloud.alice.secret()));
        assertEquals(404, missing.statusCode());
        assertFalse(JSON.readTree(missing.body()).path("error").asText().isEmpty());
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (node.path(field).asText().equals(value)) {
                return node;
            }
        }
        throw new AssertionError("no entry with " + field + "=" + value);
    }
}
