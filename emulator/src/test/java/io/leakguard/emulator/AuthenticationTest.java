package io.leakguard.emulator;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.profile.DefaultProfile;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signature V1, Timestamp and nonce checks, and caller identities. */
class AuthenticationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldIdentifyRootAndRamUserCallers() throws ClientException {
        try (TestCloud cloud = new TestCloud()) {
            GetCallerIdentityResponse root = cloud.call(cloud.root, new GetCallerIdentityRequest());
            GetCallerIdentityResponse alice = cloud.call(cloud.alice, new GetCallerIdentityRequest());

            assertEquals("Account", root.getIdentityType());
            assertEquals(TestCloud.ACCOUNT, root.getAccountId());
            assertEquals("acs:ram::" + TestCloud.ACCOUNT + ":root", root.getArn());
            assertEquals("RAMUser", alice.getIdentityType());
            assertEquals("acs:ram::" + TestCloud.ACCOUNT + ":user/alice", alice.getArn());
            assertEquals(alice.getUserId(), alice.getPrincipalId());
            assertTrue(alice.getUserId().matches("\\d{16}"));
        }
    }

    @Test
    void shouldRefuseUnsignedRequest() {
        try (TestCloud cloud = new TestCloud()) {
            // An SDK client without credentials sends no AccessKeyId and no Signature.
            IAcsClient anonymous = new DefaultAcsClient(DefaultProfile.getProfile(TestCloud.REGION));

            ClientException e = cloud.failure(anonymous, new GetCallerIdentityRequest());

            assertEquals("MissingParameter", e.getErrCode());
        }
    }

    @Test
    void shouldRefuseUnknownKey() {
        try (TestCloud cloud = new TestCloud()) {
            ClientException e = cloud.failure(TestCloud.newKey(), new GetCallerIdentityRequest());

            assertEquals("InvalidAccessKeyId.NotFound", e.getErrCode());
        }
    }

    @Test
    void shouldRefuseWrongSecretWithSignatureDoesNotMatch() {
        try (TestCloud cloud = new TestCloud()) {
            TestCloud.Key forged = new TestCloud.Key(cloud.bob.id(), TestCloud.random(30));

            ClientException e = cloud.failure(forged, new GetCallerIdentityRequest());

            assertEquals("SignatureDoesNotMatch", e.getErrCode());
            assertEquals(null, cloud.emulator.state().key(cloud.bob.id()).orElseThrow().lastUsed());
        }
    }

    @Test
    void shouldRefuseTimestampOutsideFifteenMinutes() {
        // Given an emulator whose clock runs 20 minutes ahead of the client's
        try (TestCloud cloud = new TestCloud(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(20)))) {
            ClientException e = cloud.failure(cloud.root, new GetCallerIdentityRequest());

            assertEquals("InvalidTimeStamp.Expired", e.getErrCode());
        }
    }

    @Test
    void shouldRefuseReusedNonce() throws Exception {
        try (TestCloud cloud = new TestCloud()) {
            // Given one correctly signed raw request
            Map<String, String> params = signedParams(cloud.root, "GetCallerIdentity", "2015-04-01",
                    UUID.randomUUID().toString());

            // When it is sent twice
            HttpResponse<String> first = send(cloud, "POST", params);
            HttpResponse<String> replay = send(cloud, "POST", params);

            // Then the replay is refused
            assertEquals(200, first.statusCode());
            assertEquals(400, replay.statusCode());
            assertTrue(replay.body().contains("\"Code\":\"SignatureNonceUsed\""), replay.body());
        }
    }

    @Test
    void shouldAcceptGetAndFormBodyParameters() throws Exception {
        try (TestCloud cloud = new TestCloud()) {
            // GET with the query, as scanners and the credential providers send it
            HttpResponse<String> get = send(cloud, "GET",
                    signedParams(cloud.root, "GetCallerIdentity", "2015-04-01", UUID.randomUUID().toString(), "GET"));
            assertEquals(200, get.statusCode(), get.body());
            assertTrue(get.body().contains("\"IdentityType\":\"Account\""));

            // POST with every parameter in a form body
            Map<String, String> params = signedParams(cloud.root, "GetCallerIdentity", "2015-04-01",
                    UUID.randomUUID().toString());
            HttpResponse<String> form = HTTP.send(HttpRequest.newBuilder(URI.create(cloud.emulator.endpoint() + "/"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(encode(params))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, form.statusCode(), form.body());
            assertEquals("application/json;charset=UTF-8", form.headers().firstValue("Content-Type").orElseThrow());
        }
    }

    @Test
    void shouldRefuseUnknownActionAndVersion() throws Exception {
        try (TestCloud cloud = new TestCloud()) {
            HttpResponse<String> action = send(cloud, "POST",
                    signedParams(cloud.root, "LaunchRockets", "2015-04-01", UUID.randomUUID().toString()));
            HttpResponse<String> version = send(cloud, "POST",
                    signedParams(cloud.root, "GetCallerIdentity", "1999-01-01", UUID.randomUUID().toString()));

            assertEquals(400, action.statusCode());
            assertTrue(action.body().contains("\"Code\":\"InvalidAction.NotFound\""));
            assertEquals(400, version.statusCode());
            assertTrue(version.body().contains("\"Code\":\"InvalidVersion\""));
        }
    }

    private static Map<String, String> signedParams(TestCloud.Key key, String action, String version, String nonce) {
        return RawRequests.signed(key, "POST", action, version, nonce);
    }

    private static Map<String, String> signedParams(TestCloud.Key key, String action, String version, String nonce,
                                                    String method) {
        return RawRequests.signed(key, method, action, version, nonce);
    }

    private static String encode(Map<String, String> params) {
        return RawRequests.query(params);
    }

    private static HttpResponse<String> send(TestCloud cloud, String method, Map<String, String> params)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.emulator.endpoint() + "/?" + encode(params)));
        request = method.equals("GET") ? request.GET() : request.POST(HttpRequest.BodyPublishers.noBody());
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
