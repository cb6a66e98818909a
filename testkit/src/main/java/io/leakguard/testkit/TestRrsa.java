package io.leakguard.testkit;

import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.OidcIssuer;
import io.leakguard.emulator.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * LeakGuard's identity in an in-process test, given the RRSA way as on ACK
 * (https://www.alibabacloud.com/help/en/ack/serverless-kubernetes/user-guide/use-rrsa-to-authorize-pods-to-access-different-cloud-services):
 * an OIDC issuer of the test registered in the home account as an OIDC provider, RAM roles trusting it for the
 * service account {@code leakguard/<role>}, and a signed token file. {@link #use} points the default credential chain
 * of the services started next at one role, through the system properties {@code alibabacloud.roleArn},
 * {@code alibabacloud.oidcProviderArn}, {@code alibabacloud.oidcTokenFile} and {@code alibabacloud.roleSessionName}
 * (a test cannot set its own environment), so the services get STS credentials from {@code AssumeRoleWithOIDC}
 * exactly as a pod does.
 *
 * <p>credentials-java calls STS over HTTPS only, trusting the JVM's default trust store. Every emulator of the JVM
 * therefore serves TLS with one certificate ({@link #emulator()}), whose trust store is set once as the JVM's
 * ({@code javax.net.ssl.trustStore}): clients that build their TLS context once per JVM trust every later emulator.
 */
public final class TestRrsa {

  public static final String NAMESPACE = "leakguard";
  public static final String PROVIDER = "leakguard-test-rrsa";
  private static final Duration TOKEN_VALIDITY = Duration.ofHours(6);
  private static final String[] PROPERTIES = {"alibabacloud.roleArn", "alibabacloud.oidcProviderArn",
      "alibabacloud.oidcTokenFile", "alibabacloud.roleSessionName"};
  private static SelfSignedCertificate certificate;

  private final TestFleet.Account home;
  private final Path tokens;
  private final OidcIssuer issuer;

  /** Registers a fresh OIDC issuer as {@link #PROVIDER} in {@code home}; token files go under {@code dir}. */
  public TestRrsa(TestFleet.Account home, Path dir) {
    this.home = home;
    this.tokens = dir.resolve("rrsa-tokens");
    this.issuer = OidcIssuer.generate("https://oidc.leakguard.test/" + SyntheticKeys.random(8));
    home.oidcProvider(PROVIDER, issuer.issuerUrl(), issuer.jwksJson(), OidcIssuer.STS_AUDIENCE);
  }

  /** An emulator that also serves HTTPS with the JVM's shared certificate, which the JVM trusts. Not started. */
  public static synchronized Emulator.Builder emulator() throws IOException {
    if (certificate == null) {
      certificate = SelfSignedCertificate.generate();
      Path store = Files.createTempDirectory("leakguard-test-trust").resolve("emulator.p12");
      Emulator.writeTrustStore(certificate.certificate(), store);
      System.setProperty("javax.net.ssl.trustStore", store.toString());
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      System.setProperty("javax.net.ssl.trustStorePassword", Emulator.TRUST_STORE_PASSWORD);
    }
    return Emulator.builder().https(certificate);
  }

  public String providerArn() {
    return TestFleet.oidcProviderArn(home.accountId(), PROVIDER);
  }

  public String roleArn(String roleName) {
    return "acs:ram::" + home.accountId() + ":role/" + roleName;
  }

  /** Adds a role of the home account for service account {@code leakguard/<roleName>}, with custom policies. */
  public TestRrsa role(String roleName, String... customPolicies) {
    home.role(roleName, r -> {
      r.trustOidc(providerArn(), issuer.issuerUrl(), OidcIssuer.subject(NAMESPACE, roleName));
      List.of(customPolicies).forEach(r::customPolicy);
    });
    return this;
  }

  /**
   * Makes {@code roleName} the identity of every service started from now on (until the next call or {@link
   * #clear()}), with {@code roleName} as the session name: signs its token, writes the token file, sets the
   * properties. The services must call STS on the emulator's HTTPS endpoint ({@code --cloud.endpoint.sts}).
   */
  public void use(String roleName) {
    Path file = tokens.resolve(roleName);
    try {
      OidcIssuer.writeTokenFile(file, issuer.serviceAccountToken(NAMESPACE, roleName, Instant.now(), TOKEN_VALIDITY));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.setProperty(PROPERTIES[0], roleArn(roleName));
    System.setProperty(PROPERTIES[1], providerArn());
    System.setProperty(PROPERTIES[2], file.toString());
    System.setProperty(PROPERTIES[3], roleName);
  }

  /** Removes the RRSA properties (the trust store stays: it is the JVM's). */
  public static void clear() {
    for (String property : PROPERTIES) {
      System.clearProperty(property);
    }
  }
}
