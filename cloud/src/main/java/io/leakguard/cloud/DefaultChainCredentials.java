package io.leakguard.cloud;

import com.aliyun.credentials.Client;
import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.EnvironmentVariableCredentialsProvider;
import com.aliyun.credentials.provider.OIDCRoleArnCredentialProvider;
import com.aliyun.credentials.provider.SystemPropertiesCredentialsProvider;
import com.aliyuncs.auth.AlibabaCloudCredentials;
import com.aliyuncs.auth.AlibabaCloudCredentialsProvider;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.exceptions.ClientException;
import io.leakguard.config.ConfigException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Bridges credentials-java's default provider chain (system properties, environment, RRSA/OIDC, CLI profile,
 * credentials file, ECS instance RAM role, credentials URI) into the V1 SDK, which has no such bridge. LeakGuard's
 * own credentials come from here and nowhere else: never from code or a LeakGuard configuration file.
 *
 * <p>The chain caches and refreshes temporary credentials itself (stale 15 minutes before expiry), so each request
 * simply asks it for the current ones.
 *
 * <p><b>RRSA/OIDC.</b> With {@code ALIBABA_CLOUD_ROLE_ARN}, {@code ALIBABA_CLOUD_OIDC_PROVIDER_ARN} and
 * {@code ALIBABA_CLOUD_OIDC_TOKEN_FILE} set (what ACK's pod identity webhook injects,
 * https://www.alibabacloud.com/help/en/ack/serverless-kubernetes/user-guide/use-rrsa-to-authorize-pods-to-access-different-cloud-services),
 * credentials-java 1.0.3 calls AssumeRoleWithOIDC on {@code sts.aliyuncs.com} or
 * {@code sts.<ALIBABA_CLOUD_STS_REGION>.aliyuncs.com}; no variable of its own redirects it. So LeakGuard builds
 * that provider itself, with the same inputs, and points it at LeakGuard's STS endpoint override when there is one
 * ({@code cloud.endpoint.sts}, else {@code cloud.endpoint}): host and port only, since the provider speaks HTTPS
 * only, trusting the JVM's default trust store. The provider reads the token file again at each refresh, so a
 * token the kubelet rotates on disk is picked up. The three values may also come from the system properties
 * {@code alibabacloud.roleArn}, {@code alibabacloud.oidcProviderArn} and {@code alibabacloud.oidcTokenFile}
 * (LeakGuard's, mirroring credentials-java's {@code alibabacloud.accessKeyId}), for in-process tests; the
 * environment wins.
 *
 * <p>The order stays credentials-java's: a key pair in system properties or the environment first, then OIDC. The
 * providers after OIDC in credentials-java's chain (CLI profile, credentials file, ECS instance role, credentials
 * URI) are not consulted when RRSA is configured: they would only ever answer after AssumeRoleWithOIDC failed, and
 * quietly falling back to the node's ECS role on a broken RRSA setup is exactly what RRSA exists to prevent.
 */
public final class DefaultChainCredentials implements AlibabaCloudCredentialsProvider, AutoCloseable {

  static final String ROLE_ARN_ENV = "ALIBABA_CLOUD_ROLE_ARN";
  static final String PROVIDER_ARN_ENV = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
  static final String TOKEN_FILE_ENV = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
  static final String SESSION_NAME_ENV = "ALIBABA_CLOUD_ROLE_SESSION_NAME";
  static final String ROLE_ARN_PROPERTY = "alibabacloud.roleArn";
  static final String PROVIDER_ARN_PROPERTY = "alibabacloud.oidcProviderArn";
  static final String TOKEN_FILE_PROPERTY = "alibabacloud.oidcTokenFile";
  static final String SESSION_NAME_PROPERTY = "alibabacloud.roleSessionName";

  /** Where an RRSA identity comes from: the role, the OIDC provider, the token file, an optional session name. */
  record Rrsa(String roleArn, String oidcProviderArn, String tokenFile, String sessionName) {

    static Optional<Rrsa> from(Map<String, String> env, Properties properties) {
      String roleArn = first(env.get(ROLE_ARN_ENV), properties.getProperty(ROLE_ARN_PROPERTY));
      String providerArn = first(env.get(PROVIDER_ARN_ENV), properties.getProperty(PROVIDER_ARN_PROPERTY));
      String tokenFile = first(env.get(TOKEN_FILE_ENV), properties.getProperty(TOKEN_FILE_PROPERTY));
      if (roleArn == null || providerArn == null || tokenFile == null) {
        return Optional.empty();
      }
      return Optional.of(new Rrsa(roleArn, providerArn, tokenFile,
          first(env.get(SESSION_NAME_ENV), properties.getProperty(SESSION_NAME_PROPERTY))));
    }

    private static String first(String a, String b) {
      return a != null && !a.isBlank() ? a.trim() : b != null && !b.isBlank() ? b.trim() : null;
    }
  }

  private final Supplier<CredentialModel> chain;
  private final String description;

  /** The default chain, with the STS endpoint of the given settings for RRSA. */
  public DefaultChainCredentials(CloudSettings settings) {
    this(settings, System.getenv(), System.getProperties());
  }

  DefaultChainCredentials(CloudSettings settings, Map<String, String> env, Properties properties) {
    Optional<Rrsa> rrsa = Rrsa.from(env, properties);
    if (rrsa.isEmpty()) {
      Client client = new Client();
      this.chain = client::getCredential;
      this.description = "environment, RRSA/OIDC, ECS RAM role, credentials URI";
      return;
    }
    OIDCRoleArnCredentialProvider oidc = oidcProvider(rrsa.get(), settings.endpoint(Product.STS));
    List<com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider> providers = new ArrayList<>(List.of(
        new SystemPropertiesCredentialsProvider(), new EnvironmentVariableCredentialsProvider(), oidc));
    this.chain = () -> first(providers);
    this.description = "a key pair in system properties or the environment, then RRSA/OIDC with role "
        + rrsa.get().roleArn();
  }

  DefaultChainCredentials(Client chain) {
    this.chain = chain::getCredential;
    this.description = "the given chain";
  }

  /** The OIDC provider credentials-java's chain would build, but pointed at LeakGuard's STS endpoint override. */
  static OIDCRoleArnCredentialProvider oidcProvider(Rrsa rrsa, Optional<URI> stsEndpoint) {
    OIDCRoleArnCredentialProvider.Builder builder = OIDCRoleArnCredentialProvider.builder()
        .roleArn(rrsa.roleArn())
        .oidcProviderArn(rrsa.oidcProviderArn())
        .oidcTokenFilePath(rrsa.tokenFile());
    if (rrsa.sessionName() != null) {
      builder.roleSessionName(rrsa.sessionName());
    }
    stsEndpoint.ifPresent(uri -> {
      if (!"https".equals(uri.getScheme())) {
        throw new ConfigException("RRSA/OIDC credentials need an https STS endpoint (credentials-java calls "
            + "AssumeRoleWithOIDC over HTTPS only), but the STS endpoint is " + uri
            + ": set cloud.endpoint.sts to https://host[:port]");
      }
      builder.STSEndpoint(uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
    });
    return builder.build();
  }

  private static CredentialModel first(List<com.aliyun.credentials.provider.AlibabaCloudCredentialsProvider> providers) {
    List<String> errors = new ArrayList<>();
    for (var provider : providers) {
      try {
        return provider.getCredentials();
      } catch (RuntimeException e) {
        errors.add(provider.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException(String.join("; ", errors));
  }

  @Override
  public AlibabaCloudCredentials getCredentials() throws ClientException {
    CredentialModel credential;
    try {
      credential = chain.get();
    } catch (RuntimeException e) {
      throw new ClientException("LeakGuard.NoCredentials",
          "no Alibaba Cloud credentials from the default chain (" + description + "): " + e.getMessage(), e);
    }
    if (credential.getSecurityToken() != null && !credential.getSecurityToken().isEmpty()) {
      return new BasicSessionCredentials(credential.getAccessKeyId(), credential.getAccessKeySecret(),
          credential.getSecurityToken());
    }
    return new BasicCredentials(credential.getAccessKeyId(), credential.getAccessKeySecret());
  }

  @Override
  public void close() {
    // The chain's ECS provider runs a refresh thread; it is a daemon and ends with the JVM.
  }
}
