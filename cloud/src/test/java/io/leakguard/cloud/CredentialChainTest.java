package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.sts.model.v20150401.AssumeRoleRequest;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.OidcIssuer;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 *
 * <p>The RRSA cases give the child the three variables ACK's pod identity webhook injects and a token file signed by a
 * local {@link OidcIssuer} whose JWKS the emulator holds as an OIDC provider; STS is the emulator's HTTPS listener,
 * trusted through the child's default trust store, as credentials-java's OIDC provider requires.
 */
class CredentialChainTest {

  private final String account = SyntheticKeys.accountId();
  private final String userKey = SyntheticKeys.accessKeyId();
  private final String userSecret = SyntheticKeys.secret();
  private final OidcIssuer issuer = OidcIssuer.generate("https://oidc-ack-cn-hangzhou.example/test-cluster");
  private final String providerArn = TestFleet.oidcProviderArn(account, "ack-rrsa-test-cluster");
  private final String rrsaRoleArn = "acs:ram::" + account + ":role/leakguard-remediator";
  private Emulator emulator;
  private Path trustStore;
  private Path tokenFile;
  @TempDir
  Path home;

  @BeforeEach
  void setUp() throws Exception {
    trustStore = home.resolve("emulator.p12");
    emulator = Emulator.builder().https(true).trustStoreFile(trustStore).build().start();
    TestFleet.account(account)
        .oidcProvider("ack-rrsa-test-cluster", issuer.issuerUrl(), issuer.jwksJson(), OidcIssuer.STS_AUDIENCE)
        .role("leakguard", r -> r.trustAccount(account))
        .role("leakguard-remediator", r -> r.trustOidc(providerArn, issuer.issuerUrl(),
            OidcIssuer.subject("leakguard", "leakguard-remediator")).systemPolicy("ReadOnlyAccess"))
        .user("leakguard", u -> u.key(userKey, userSecret).systemPolicy("AdministratorAccess"))
        .seed(emulator);
    tokenFile = home.resolve("tokens").resolve("leakguard-remediator");
    OidcIssuer.writeTokenFile(tokenFile, issuer.serviceAccountToken("leakguard", "leakguard-remediator",
        Instant.now(), Duration.ofHours(1)));
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
  void shouldAssumeTheRrsaRoleWithTheOidcTokenFileNamedByTheEnvironment() throws Exception {
    // Given the three RRSA variables, as ACK injects them, and STS on the emulator's HTTPS endpoint
    Map<String, String> env = Map.of("ALIBABA_CLOUD_ROLE_ARN", rrsaRoleArn,
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", providerArn,
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile.toString(),
        "ALIBABA_CLOUD_ROLE_SESSION_NAME", "rrsa-probe");

    // When
    String out = probe(env, List.of(), emulator.httpsEndpoint());

    // Then the calls are made as the role's session
    assertEquals("arn=acs:ram::" + account + ":assumed-role/leakguard-remediator/rrsa-probe", out);
  }

  @Test
  void shouldAssumeTheRrsaRoleNamedBySystemPropertiesForInProcessUse() throws Exception {
    String out = probe(Map.of(), List.of("-Dalibabacloud.roleArn=" + rrsaRoleArn,
        "-Dalibabacloud.oidcProviderArn=" + providerArn, "-Dalibabacloud.oidcTokenFile=" + tokenFile,
        "-Dalibabacloud.roleSessionName=in-process"), emulator.httpsEndpoint());

    assertEquals("arn=acs:ram::" + account + ":assumed-role/leakguard-remediator/in-process", out);
  }

  @Test
  void shouldUseAKeyPairInTheEnvironmentBeforeRrsa() throws Exception {
    // Given both a key pair and the RRSA variables: credentials-java's order puts the environment's key pair first
    String out = probe(Map.of("ALIBABA_CLOUD_ACCESS_KEY_ID", userKey, "ALIBABA_CLOUD_ACCESS_KEY_SECRET", userSecret,
        "ALIBABA_CLOUD_ROLE_ARN", rrsaRoleArn, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", providerArn,
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile.toString()), List.of(), emulator.httpsEndpoint());

    assertEquals("arn=acs:ram::" + account + ":user/leakguard", out);
  }

  @Test
  void shouldRefuseAnRrsaTokenOfAnotherServiceAccount() throws Exception {
    // Given a token of the enricher's service account, which the remediator's role does not trust
    OidcIssuer.writeTokenFile(tokenFile, issuer.serviceAccountToken("leakguard", "leakguard-enricher",
        Instant.now(), Duration.ofHours(1)));

    String out = probe(Map.of("ALIBABA_CLOUD_ROLE_ARN", rrsaRoleArn, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", providerArn,
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile.toString()), List.of(), emulator.httpsEndpoint());

    assertEquals("error=LeakGuard.NoCredentials", out);
  }

  @Test
  void shouldStopAtStartWhenRrsaWouldCallAPlainHttpStsEndpoint() throws Exception {
    // credentials-java speaks HTTPS only: an http STS override cannot carry AssumeRoleWithOIDC
    String out = probe(Map.of("ALIBABA_CLOUD_ROLE_ARN", rrsaRoleArn, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", providerArn,
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile.toString()), List.of(), null);

    assertEquals("config-error", out);
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
    return probe(env, List.of(), null);
  }

  /** Runs the probe with the environment, extra JVM options and an optional STS endpoint override. */
  private String probe(Map<String, String> env, List<String> jvmOptions, String stsEndpoint)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // C1 only: the probe makes one call and exits, too soon for C2's compiling to pay.
        "-XX:TieredStopAtLevel=1",
        // The child trusts the emulator's certificate as a pod trusts the real STS: through the default trust store.
        "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
        "-Djavax.net.ssl.trustStorePassword=" + Emulator.TRUST_STORE_PASSWORD));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CredentialProbe.class.getName(),
        emulator.endpoint()));
    if (stsEndpoint != null) {
      command.add(stsEndpoint);
    }
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
