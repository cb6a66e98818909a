package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.sts.model.v20150401.AssumeRoleRequest;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.emulator.Emulator;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LeakGuard's credentials come from the default chain only. Each case runs the production client in a child JVM with
 * a controlled environment (a JVM cannot change its own), against the emulator over HTTP. The ECS metadata server is
 * disabled in every child, so none waits on it.
 */
class CredentialChainTest {

  private final String account = SyntheticKeys.accountId();
  private final String userKey = SyntheticKeys.accessKeyId();
  private final String userSecret = SyntheticKeys.secret();
  private Emulator emulator;
  @TempDir
  Path home;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.account(account)
        .role("leakguard", r -> r.trustAccount(account))
        .user("leakguard", u -> u.key(userKey, userSecret).systemPolicy("AdministratorAccess"))
        .seed(emulator);
  }

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  @Test
  void shouldReachTheEmulatorWithCredentialsFromEnvironmentVariables() throws Exception {
    String out = probe(Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", userKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", userSecret));

    assertEquals("arn=acs:ram::" + account + ":user/leakguard", out);
  }

  @Test
  void shouldReachTheEmulatorWithStsCredentialsFromACredentialsUri() throws Exception {
    // Given a credentials URI serving an STS session of the leakguard role, as a sidecar or metadata proxy would
    CloudCaller admin = new CloudCaller(settings(), new StaticCredentialsProvider(new BasicCredentials(userKey, userSecret)));
    AssumeRoleRequest assume = new AssumeRoleRequest();
    assume.setRoleArn("acs:ram::" + account + ":role/leakguard");
    assume.setRoleSessionName("uri-test");
    var session = admin.call(Product.STS, assume).getCredentials();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/credentials", exchange -> {
      byte[] body = ("{\"Code\":\"Success\",\"AccessKeyId\":\"" + session.getAccessKeyId() + "\",\"AccessKeySecret\":\""
          + session.getAccessKeySecret() + "\",\"SecurityToken\":\"" + session.getSecurityToken()
          + "\",\"Expiration\":\"" + session.getExpiration() + "\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      // When the chain has only the URI
      String out = probe(Map.of("ALIBABA_CLOUD_CREDENTIALS_URI",
          "http://127.0.0.1:" + server.getAddress().getPort() + "/credentials"));

      // Then the calls are made as the assumed role
      assertEquals("arn=acs:ram::" + account + ":assumed-role/leakguard/uri-test", out);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void shouldFailClearlyWithoutCredentialsAndWithoutWaitingOnEcsMetadata() throws Exception {
    String out = probe(Map.of());

    assertEquals("error=LeakGuard.NoCredentials", out);
  }

  private CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  private String probe(Map<String, String> env) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), CredentialProbe.class.getName(), emulator.endpoint()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
    builder.environment().keySet().removeIf(k -> k.startsWith("ALIBABA_CLOUD_"));
    builder.environment().put("HOME", home.toString()); // no CLI profile or credentials file of the developer
    builder.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    builder.environment().putAll(env);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    // A hang guard, not a speed check: a child waiting on the metadata server would never get here.
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe did not end");
    String last = out.lines().reduce((a, b) -> b).orElse("");
    return last;
  }
}
