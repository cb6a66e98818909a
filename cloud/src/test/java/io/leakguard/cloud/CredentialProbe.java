package io.leakguard.cloud;

import java.net.URI;

/**
 * Run in a child JVM by {@link CredentialChainTest}, with a chosen environment: builds the production client from the
 * default credential chain and asks who it is. Prints {@code arn=...} or {@code error=<code>}; never a secret.
 */
public final class CredentialProbe {

  private CredentialProbe() {}

  public static void main(String[] args) {
    CloudSettings settings = CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(args[0]));
    try (AlibabaCloud cloud = AlibabaCloud.fromDefaultChain(settings)) {
      System.out.println("arn=" + cloud.sts().callerIdentity().arn());
    } catch (CloudException e) {
      System.out.println("error=" + e.code());
      System.exit(3);
    }
  }
}
