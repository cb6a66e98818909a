package io.leakguard.cloud;

import io.leakguard.config.ConfigException;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The options of every service that calls Alibaba Cloud. Credentials are not among them on purpose: they come
 * from the default credential chain only (environment, RRSA/OIDC, ECS RAM role, credentials URI).
 */
public final class CloudOptions {

  public static final Option<String> REGION = Option.string("cloud.region", "cn-hangzhou",
      "region of the regional products (STS, KMS, ActionTrail)");
  public static final Option<String> ENDPOINT = endpointOption("cloud.endpoint",
      "one endpoint for every product, e.g. the emulator's http://127.0.0.1:18080; empty: the real endpoints");
  public static final Option<String> ENDPOINT_RAM = endpointOption("cloud.endpoint.ram", "RAM endpoint override");
  public static final Option<String> ENDPOINT_STS = endpointOption("cloud.endpoint.sts", "STS endpoint override");
  public static final Option<String> ENDPOINT_KMS = endpointOption("cloud.endpoint.kms", "KMS endpoint override");
  public static final Option<String> ENDPOINT_ACTIONTRAIL = endpointOption("cloud.endpoint.actiontrail",
      "ActionTrail endpoint override");
  public static final Option<String> ENDPOINT_SAS = endpointOption("cloud.endpoint.sas",
      "Security Center endpoint override (default https://" + SecurityCenterGateway.DEFAULT_ENDPOINT + ")");
  public static final Option<String> ENDPOINT_IMS = endpointOption("cloud.endpoint.ims",
      "IMS (AccessKey network policies) endpoint override (default https://" + RamGateway.IMS_ENDPOINT + ")");
  public static final Option<Duration> CONNECT_TIMEOUT = Option.duration("cloud.connect.timeout", "5s",
      "HTTP connect timeout of cloud calls");
  public static final Option<Duration> READ_TIMEOUT = Option.duration("cloud.read.timeout", "10s",
      "HTTP read timeout of cloud calls");
  public static final Option<Integer> MAX_ATTEMPTS = Option.integer("cloud.max.attempts", 4, 1, 20,
      "attempts per cloud call on throttling and transient errors, the first included");
  public static final Option<Duration> BACKOFF_BASE = Option.duration("cloud.backoff.base", "100ms",
      "first retry back-off, doubled per attempt with full jitter");
  public static final Option<Duration> BACKOFF_CAP = Option.duration("cloud.backoff.cap", "5s",
      "longest single retry back-off");

  public static final Option<Integer> RATE_PER_SECOND = Option.integer("cloud.rate.per.second", 20, 0, 10_000,
      "client-side limit of calls per second per account and API (LookupEvents: 2/s as documented); 0 = none");
  public static final Option<String> FLEET = new Option<>("cloud.fleet", "",
      "member accounts as accountId=roleArn pairs, comma-separated; empty: only the account of LeakGuard's credentials",
      value -> {
        // Checked when the configuration is loaded, so a typo stops the service before it touches anything.
        FleetSettings.parse(value, "leakguard", Duration.ofHours(1));
        return value;
      });
  public static final Option<String> SESSION_NAME = Option.string("cloud.assume.role.session", "leakguard",
      "session name of the member-account roles LeakGuard assumes (shows in their ActionTrail)");
  public static final Option<Duration> SESSION_DURATION = Option.duration("cloud.assume.role.duration", "1h",
      "duration of assumed-role sessions (15m to the role's maximum); renewed 5 minutes before expiry");

  public static final List<Option<?>> ALL = List.of(REGION, ENDPOINT, ENDPOINT_RAM, ENDPOINT_STS, ENDPOINT_KMS,
      ENDPOINT_ACTIONTRAIL, ENDPOINT_SAS, ENDPOINT_IMS, CONNECT_TIMEOUT, READ_TIMEOUT, MAX_ATTEMPTS, BACKOFF_BASE, BACKOFF_CAP, RATE_PER_SECOND,
      FLEET, SESSION_NAME, SESSION_DURATION);

  private CloudOptions() {}

  /** An endpoint override, checked when the configuration is loaded: empty, or an http(s) URL. */
  private static Option<String> endpointOption(String key, String description) {
    return new Option<>(key, "", description, value -> {
      if (!value.isBlank()) {
        endpoint(key, value);
      }
      return value;
    });
  }

  public static CloudSettings settings(Settings settings) {
    Map<Product, URI> endpoints = new EnumMap<>(Product.class);
    String all = settings.get(ENDPOINT);
    Map<Product, Option<String>> perProduct = Map.of(Product.RAM, ENDPOINT_RAM, Product.STS, ENDPOINT_STS,
        Product.KMS, ENDPOINT_KMS, Product.ACTIONTRAIL, ENDPOINT_ACTIONTRAIL, Product.SAS, ENDPOINT_SAS,
        Product.IMS, ENDPOINT_IMS);
    for (Product product : Product.values()) {
      String own = settings.get(perProduct.get(product));
      String chosen = own.isBlank() ? all : own;
      if (!chosen.isBlank()) {
        endpoints.put(product, endpoint(perProduct.get(product).key(), chosen));
      }
    }
    try {
      return new CloudSettings(settings.get(REGION), endpoints, settings.get(CONNECT_TIMEOUT),
          settings.get(READ_TIMEOUT), settings.get(MAX_ATTEMPTS), settings.get(BACKOFF_BASE), settings.get(BACKOFF_CAP),
          settings.get(RATE_PER_SECOND));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad cloud endpoint: " + e.getMessage());
    }
  }

  /** The fleet: member accounts and the role LeakGuard assumes in each. */
  public static FleetSettings fleet(Settings settings) {
    try {
      return FleetSettings.parse(settings.get(FLEET), settings.get(SESSION_NAME), settings.get(SESSION_DURATION));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for option '" + FLEET.key() + "': " + e.getMessage());
    }
  }

  private static URI endpoint(String key, String value) {
    try {
      URI uri = URI.create(value.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for option '" + key + "' (or cloud.endpoint): '" + value
          + "' is not a URL like https://host[:port]");
    }
  }
}
