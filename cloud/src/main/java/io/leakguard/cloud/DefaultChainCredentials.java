package io.leakguard.cloud;

import com.aliyun.credentials.Client;
import com.aliyun.credentials.models.CredentialModel;
import com.aliyuncs.auth.AlibabaCloudCredentials;
import com.aliyuncs.auth.AlibabaCloudCredentialsProvider;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.exceptions.ClientException;

/**
 * Bridges credentials-java's default provider chain (system properties, environment, RRSA/OIDC, CLI profile,
 * credentials file, ECS instance RAM role, credentials URI) into the V1 SDK, which has no such bridge. LeakGuard's
 * own credentials come from here and nowhere else: never from code or a LeakGuard configuration file.
 *
 * <p>The chain caches and refreshes temporary credentials itself (stale 15 minutes before expiry), so each request
 * simply asks it for the current ones.
 */
public final class DefaultChainCredentials implements AlibabaCloudCredentialsProvider, AutoCloseable {

  private final Client chain;

  public DefaultChainCredentials() {
    this(new Client());
  }

  DefaultChainCredentials(Client chain) {
    this.chain = chain;
  }

  @Override
  public AlibabaCloudCredentials getCredentials() throws ClientException {
    CredentialModel credential;
    try {
      credential = chain.getCredential();
    } catch (RuntimeException e) {
      throw new ClientException("LeakGuard.NoCredentials",
          "no Alibaba Cloud credentials from the default chain (environment, RRSA/OIDC, ECS RAM role, "
              + "credentials URI): " + e.getMessage(), e);
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
