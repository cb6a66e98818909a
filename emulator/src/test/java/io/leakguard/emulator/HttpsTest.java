package io.leakguard.emulator;

import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.http.HttpClientConfig;
import com.aliyuncs.http.clients.ApacheHttpClient;
import com.aliyuncs.profile.DefaultProfile;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The optional TLS listener, with a certificate valid for IP 127.0.0.1. */
class HttpsTest {

    // One TLS emulator for the class: generating its certificate runs keytool, which takes a second or two.
    private static TestCloud cloud;
    private static Emulator tls;

    @BeforeAll
    static void start() throws Exception {
        cloud = new TestCloud();
        tls = Emulator.builder().https(true).build().start();
        tls.state().seed(new Fleet(List.of(new Fleet.AccountSeed(TestCloud.ACCOUNT, null, List.of(cloud.root.seed()),
                null, null, null, null))));
    }

    @AfterAll
    static void stop() {
        tls.close();
        cloud.close();
    }

    private static TrustManagerFactory trustingTheEmulator() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("emulator", tls.httpsCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    @Test
    void shouldServeTlsThatVerifiesAgainstIpSan() throws Exception {
        // Given a client that trusts only the emulator's certificate and verifies host names (the default)
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustingTheEmulator().getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(context).build();

        // When
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(tls.httpsEndpoint() + "/?"
                + RawRequests.query(RawRequests.signed(cloud.root, "POST", "GetCallerIdentity", "2015-04-01"))))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        // Then
        assertTrue(tls.httpsEndpoint().startsWith("https://127.0.0.1:"));
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"IdentityType\":\"Account\""));
    }

    @Test
    void shouldServeTheSdkOverHttpsWithoutFlippingTheProtocol() throws Exception {
        // Given an SDK client trusting the emulator's certificate. The SDK's Apache client is a JVM-wide
        // singleton whose TLS settings come from the first client built, so the test swaps the singleton
        // for one with its own trust, and drops that one again afterwards for the tests that follow.
        // (The SDK's "Compatible" HttpURLConnection client cannot be used against the JDK server at all: it
        // looks up "Content-Type" case-sensitively while the JDK server sends "Content-type".)
        HttpClientConfig config = HttpClientConfig.getDefault();
        config.setX509TrustManagers(new X509TrustManager[] {(X509TrustManager) trustingTheEmulator().getTrustManagers()[0]});
        DefaultProfile profile = DefaultProfile.getProfile(TestCloud.REGION, cloud.root.id(), cloud.root.secret());
        profile.setHttpClientConfig(config);
        ApacheHttpClient.getInstance().close();
        try {
            DefaultAcsClient client = new DefaultAcsClient(profile);

            // When a RAM request goes out as its class wants it: HTTPS
            ListUsersRequest request = new ListUsersRequest();
            request.setSysEndpoint(tls.httpsHostPort());

            // Then
            assertEquals(0, client.getAcsResponse(request).getUsers().size());
        } finally {
            ApacheHttpClient.getInstance().close();
        }
    }
}
