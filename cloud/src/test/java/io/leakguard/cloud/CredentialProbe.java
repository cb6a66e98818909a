package io.leakguard.cloud;

import io.leakguard.config.ConfigException;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;

/**
 * Run in a child JVM by {@link CredentialChainTest}, with a chosen environment: builds the production client from the
 * default credential chain and asks who it is. Prints {@code arn=...}, {@code error=<code>} or
 * {@code config-error}; never a secret.
 *
 * <p>Arguments: the endpoint of every product, and optionally an STS endpoint override (the emulator's HTTPS
 * listener, which RRSA/OIDC credentials need).
 */
public final class CredentialProbe {

  private CredentialProbe() {}

  public static void main(String[] args) {
    CloudSettings settings = CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(args[0]));
    if (args.length > 1) {
      Map<Product, URI> endpoints = new EnumMap<>(settings.endpoints());
      endpoints.put(Product.STS, URI.create(args[1]));
      settings = new CloudSettings(settings.region(), endpoints, settings.connectTimeout(), settings.readTimeout(),
          settings.maxAttempts(), settings.backoffBase(), settings.backoffCap(), settings.ratePerSecond());
    }
    try (AlibabaCloud cloud = AlibabaCloud.fromDefaultChain(settings)) {
      System.out.println("arn=" + cloud.sts().callerIdentity().arn());
    } catch (CloudException e) {
      System.out.println("error=" + e.code());
      System.exit(3);
    } catch (ConfigException e) {
      System.out.println("config-error");
      System.exit(2);
    }
  }
}
