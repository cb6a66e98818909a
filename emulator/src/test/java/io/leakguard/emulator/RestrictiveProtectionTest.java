package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A key marked publicly exposed may no longer call RAM. */
class RestrictiveProtectionTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private HttpResponse<String> markExposed(String keyId, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cloud.emulator.endpoint() + "/admin/keys/" + keyId + "/exposed"))
                .header("Authorization", "Bearer " + cloud.emulator.adminToken())
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldRefuseRamCallsOfExposedKeyButNotOtherProducts() throws Exception {
        // Given alice (an administrator) has her key marked as exposed
        HttpResponse<String> marked = markExposed(cloud.alice.id(), null);
        assertEquals(200, marked.statusCode());
        assertTrue(marked.body().contains("\"exposed\":true"));

        // When / Then RAM refuses it while STS still answers
        ClientException e = cloud.failure(cloud.alice, new ListUsersRequest());
        assertEquals("Forbidden", e.getErrCode());
        assertTrue(e.getErrMsg().contains("There is a risk of leakage of this AccessKey"));
        assertEquals("RAMUser", cloud.call(cloud.alice, new GetCallerIdentityRequest()).getIdentityType());

        // When the mark is cleared, then RAM works again
        markExposed(cloud.alice.id(), "{\"exposed\":false}");
        cloud.call(cloud.alice, new ListUsersRequest());
    }

    @Test
    void shouldAnswer404ForUnknownKey() throws Exception {
        assertEquals(404, markExposed("LTAInope", null).statusCode());
    }
}
