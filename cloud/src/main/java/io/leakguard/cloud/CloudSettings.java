package io.leakguard.cloud;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach Alibaba Cloud. With no endpoint overrides the SDK resolves the real endpoints (HTTPS); an override
 * ({@code http://127.0.0.1:18080}) points a product at the emulator or a private endpoint, with its scheme.
 *
 * @param region         the region of regional products (STS, KMS, ActionTrail)
 * @param endpoints      endpoint overrides per product
 * @param connectTimeout HTTP connect timeout
 * @param readTimeout    HTTP read timeout
 * @param maxAttempts    attempts per call for retryable errors (throttling, 5xx, I/O), the first included
 * @param backoffBase    first back-off; doubled per attempt, with full jitter
 * @param backoffCap     longest single back-off
 * @param ratePerSecond  client-side limit of calls per second per account and API (documented lower limits such as
 *                       LookupEvents' 2/s apply on top); 0 = none
 */
public record CloudSettings(String region, Map<Product, URI> endpoints, Duration connectTimeout, Duration readTimeout,
    int maxAttempts, Duration backoffBase, Duration backoffCap, double ratePerSecond) {

  public CloudSettings {
    Objects.requireNonNull(region, "region");
    endpoints = endpoints.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(endpoints));
    endpoints.forEach((product, uri) -> {
      if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("endpoint of " + product + " must look like https://host[:port], not " + uri);
      }
    });
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  /** Real endpoints, sane timeouts and retries. */
  public static CloudSettings defaults(String region) {
    return new CloudSettings(region, Map.of(), Duration.ofSeconds(5), Duration.ofSeconds(10), 4,
        Duration.ofMillis(100), Duration.ofSeconds(5), 20);
  }

  /** The same settings with every product pointed at one endpoint (the emulator serves them all). */
  public CloudSettings withEndpointForAll(URI endpoint) {
    Map<Product, URI> all = new EnumMap<>(Product.class);
    for (Product product : Product.values()) {
      all.put(product, endpoint);
    }
    all.putAll(endpoints);
    return new CloudSettings(region, all, connectTimeout, readTimeout, maxAttempts, backoffBase, backoffCap,
        ratePerSecond);
  }

  public Optional<URI> endpoint(Product product) {
    return Optional.ofNullable(endpoints.get(product));
  }
}
