package io.leakguard.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.cloud.RandomCredentials;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Fleet;
import io.leakguard.emulator.OidcIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local stack's service identities, given the way ACK gives them with RRSA
 * (https://www.alibabacloud.com/help/en/ack/serverless-kubernetes/user-guide/use-rrsa-to-authorize-pods-to-access-different-cloud-services):
 * an OIDC issuer of this run (a fresh RSA key pair) registered with the emulator as an OIDC provider, one RAM role
 * per service trusting that provider for the service account {@code system:serviceaccount:leakguard:<service>},
 * with the service's own policy ({@code deploy/ram/<service>.json}) attached, and a signed token file per service
 * under {@code <dir>/tokens/} (owner-only). Each service gets the three variables ACK injects plus LeakGuard's STS
 * endpoint override (the emulator's HTTPS listener, since credentials-java calls AssumeRoleWithOIDC over HTTPS only)
 * and a JVM trust store holding the emulator's certificate.
 *
 * <p>Tokens are valid for {@link #TOKEN_VALIDITY} and signed again every {@link #RESIGN_EVERY}, as the kubelet
 * refreshes a projected token well before it expires; credentials-java reads the file again at each refresh, so a
 * long-running {@code leakguard local} keeps its identities.
 */
final class RrsaIdentities implements AutoCloseable {

  static final String NAMESPACE = "leakguard";
  static final String PROVIDER = "leakguard-local-rrsa";
  static final Duration TOKEN_VALIDITY = Duration.ofHours(1);
  static final Duration RESIGN_EVERY = Duration.ofMinutes(20);

  /** Services that call the cloud with an identity of their own, and the policy each role gets. */
  static final Map<String, String> ROLES = Map.of(
      "remediator", "LeakGuardRemediator",
      "enricher", "LeakGuardEnricher",
      "bridge", "LeakGuardBridge");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String accountId;
  private final Path tokens;
  private final Path trustStore;
  private final String stsEndpoint;
  private final OidcIssuer issuer;
  private final ScheduledExecutorService resigner;

  /**
   * @param trustStore  the emulator's certificate as a PKCS#12 trust store ({@code --https-trust-store})
   * @param stsEndpoint the emulator's HTTPS endpoint, e.g. {@code https://127.0.0.1:40123}
   */
  RrsaIdentities(String accountId, Path dir, Path trustStore, String stsEndpoint) {
    this.accountId = accountId;
    this.tokens = dir.resolve("tokens");
    this.trustStore = trustStore;
    this.stsEndpoint = stsEndpoint;
    this.issuer = OidcIssuer.generate("https://oidc.leakguard.local/" + RandomCredentials.hex(8));
    this.resigner = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rrsa-token-resigner");
      t.setDaemon(true);
      return t;
    });
  }

  String providerArn() {
    return "acs:ram::" + accountId + ":oidc-provider/" + PROVIDER;
  }

  static String roleName(String service) {
    return "leakguard-" + service;
  }

  String roleArn(String service) {
    return "acs:ram::" + accountId + ":role/" + roleName(service);
  }

  Path tokenFile(String service) {
    return tokens.resolve(service);
  }

  /** The OIDC provider and one role per service, in the emulator's seed format (added to the demo fleet). */
  String fleetJson() {
    List<Fleet.RoleSeed> roles = ROLES.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> new Fleet.RoleSeed(roleName(e.getKey()), null,
            "RRSA role of the " + e.getKey() + " (service account " + NAMESPACE + "/" + roleName(e.getKey()) + ")",
            trustPolicy(e.getKey()), null, null, List.of(new Fleet.PolicyRef(e.getValue(), "Custom"))))
        .toList();
    Fleet.OidcProviderSeed provider = new Fleet.OidcProviderSeed(PROVIDER, issuer.issuerUrl(),
        List.of(OidcIssuer.STS_AUDIENCE), tree(issuer.jwksJson()), "the local stack's service-account issuer", null);
    return new Fleet(List.of(new Fleet.AccountSeed(accountId, null, null, null, null, roles, null,
        List.of(provider)))).toJson();
  }

  /** Writes every service's token now and keeps them fresh until {@link #close()}. */
  void start() throws IOException {
    if (!java.nio.file.Files.isDirectory(tokens)) {
      java.nio.file.Files.createDirectory(tokens, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }
    signAll();
    resigner.scheduleAtFixedRate(() -> {
      try {
        signAll();
      } catch (IOException | RuntimeException e) {
        System.err.println("rrsa: could not sign the service tokens again: " + e.getMessage());
      }
    }, RESIGN_EVERY.toSeconds(), RESIGN_EVERY.toSeconds(), TimeUnit.SECONDS);
  }

  /** The environment of a service that calls the cloud with its own RRSA identity; empty for the others. */
  Map<String, String> env(String service) {
    if (!ROLES.containsKey(service)) {
      return Map.of();
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("ALIBABA_CLOUD_ROLE_ARN", roleArn(service));
    env.put("ALIBABA_CLOUD_OIDC_PROVIDER_ARN", providerArn());
    env.put("ALIBABA_CLOUD_OIDC_TOKEN_FILE", tokenFile(service).toString());
    env.put("ALIBABA_CLOUD_ROLE_SESSION_NAME", roleName(service));
    env.put("LEAKGUARD_CLOUD_ENDPOINT_STS", stsEndpoint);
    // The JVM's default trust is what credentials-java's OIDC client (and the SDK's HTTPS client) use; a pod's
    // would hold the real CAs. The store holds the emulator's public certificate only.
    env.put("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + trustStore + " -Djavax.net.ssl.trustStoreType=PKCS12"
        + " -Djavax.net.ssl.trustStorePassword=" + Emulator.TRUST_STORE_PASSWORD);
    return env;
  }

  private void signAll() throws IOException {
    for (String service : ROLES.keySet()) {
      OidcIssuer.writeTokenFile(tokenFile(service),
          issuer.serviceAccountToken(NAMESPACE, roleName(service), Instant.now(), TOKEN_VALIDITY));
    }
  }

  private JsonNode trustPolicy(String service) {
    ObjectNode statement = JSON.createObjectNode().put("Effect", "Allow").put("Action", "sts:AssumeRole");
    statement.putObject("Principal").putArray("Federated").add(providerArn());
    statement.putObject("Condition").putObject("StringEquals")
        .put("oidc:aud", OidcIssuer.STS_AUDIENCE)
        .put("oidc:iss", issuer.issuerUrl())
        .put("oidc:sub", OidcIssuer.subject(NAMESPACE, roleName(service)));
    ObjectNode document = JSON.createObjectNode().put("Version", "1");
    document.putArray("Statement").add(statement);
    return document;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    resigner.shutdownNow();
  }
}
