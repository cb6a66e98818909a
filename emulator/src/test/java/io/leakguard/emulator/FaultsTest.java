package io.leakguard.emulator;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.exceptions.ErrorType;
import com.aliyuncs.exceptions.ServerException;
import com.aliyuncs.policy.retry.RetryPolicy;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Injected faults, configured through the admin API. */
class FaultsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private HttpResponse<String> faults(String method, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.emulator.endpoint() + "/admin/faults"))
                .header("Authorization", "Bearer " + cloud.emulator.adminToken())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldFailTheNextCallsOfOneActionOnly() throws Exception {
        // Given the next two ListUsers calls fail with 503
        HttpResponse<String> configured = faults("PUT",
                "{\"rules\":[{\"target\":\"Ram:ListUsers\",\"failNext\":2,\"errorCode\":\"ServiceUnavailable\"}]}");
        assertEquals(200, configured.statusCode(), configured.body());

        // When / Then
        ClientException first = cloud.failure(cloud.root, new ListUsersRequest());
        assertInstanceOf(ServerException.class, first);
        assertEquals(ErrorType.Server, first.getErrorType());
        assertEquals("ServiceUnavailable", first.getErrCode());
        cloud.call(cloud.root, new GetCallerIdentityRequest());
        assertEquals("ServiceUnavailable", cloud.failure(cloud.root, new ListUsersRequest()).getErrCode());
        cloud.call(cloud.root, new ListUsersRequest());
        assertTrue(faults("GET", null).body().contains("\"failNext\":0"));
    }

    @Test
    void shouldLetTheSdkRetryPolicyRideOutRetryableThrottling() throws Exception {
        // Given two 429 Rejected.Throttling answers, and a client with the SDK's default retry policy
        cloud.emulator.faults().configure(new Faults.Config(null,
                List.of(new Faults.Rule("Sts", null, "Rejected.Throttling", null, null, 2)), null));
        DefaultAcsClient client = (DefaultAcsClient) cloud.client(cloud.root);
        client.setSysRetryPolicy(RetryPolicy.defaultRetryPolicy(false));

        // When / Then the third attempt (a freshly signed one) succeeds
        assertEquals("Account", cloud.call(client, new GetCallerIdentityRequest()).getIdentityType());
    }

    @Test
    void shouldAnswerThrottlingUserWithDocumentedStatus() {
        cloud.emulator.faults().configure(new Faults.Config(null,
                List.of(new Faults.Rule("*", 1.0, "Throttling.User", null, null, null)), null));

        ClientException e = cloud.failure(cloud.root, new GetCallerIdentityRequest());

        assertEquals("Throttling.User", e.getErrCode());
        assertEquals(ErrorType.Client, e.getErrorType());
    }

    @Test
    void shouldReproduceRandomFailuresFromTheSeed() {
        List<Boolean> first = outcomes(42L);
        List<Boolean> second = outcomes(42L);

        assertEquals(first, second);
        assertTrue(first.contains(true) && first.contains(false), first.toString());
    }

    private List<Boolean> outcomes(long seed) {
        cloud.emulator.faults().configure(new Faults.Config(seed,
                List.of(new Faults.Rule("Sts", 0.5, "ServiceUnavailable", null, null, null)), null));
        List<Boolean> failed = new ArrayList<>();
        var client = cloud.client(cloud.root);
        for (int i = 0; i < 20; i++) {
            try {
                cloud.call(client, new GetCallerIdentityRequest());
                failed.add(false);
            } catch (ClientException e) {
                failed.add(true);
            }
        }
        return failed;
    }

    @Test
    void shouldRefuseInvalidConfigurationAndResetToDefaults() throws Exception {
        HttpResponse<String> bad = faults("PUT", "{\"rules\":[{\"errorRate\":2}]}");
        HttpResponse<String> withLatency = faults("PUT",
                "{\"rules\":[{\"target\":\"Kms\",\"latencyMs\":5}],\"rateLimits\":{\"LookupEvents\":0}}");
        HttpResponse<String> reset = faults("DELETE", null);

        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("errorRate"), bad.body());
        assertTrue(withLatency.body().contains("\"latencyMs\":5"));
        assertEquals(Map.of("LookupEvents", 2), cloud.emulator.faults().current().rateLimits());
        assertTrue(reset.body().contains("\"rules\":[]"), reset.body());
    }
}
