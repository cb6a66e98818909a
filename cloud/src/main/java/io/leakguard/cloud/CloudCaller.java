package io.leakguard.cloud;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.auth.AlibabaCloudCredentialsProvider;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.HttpClientConfig;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends SDK requests: points each at its product's endpoint override (scheme included, since the SDK forces HTTPS
 * for RAM, STS and KMS), and retries throttling and transient errors with exponential back-off and full jitter, a
 * bounded number of times. Every other error is classified and thrown at once.
 *
 * <p>Each attempt is counted in {@code leakguard_cloud_calls_total{product,action,result}}: {@code ok}, {@code throttled}
 * or {@code retried} (a throttled or transient failure that is tried again), {@code failed} (the error the caller
 * gets); and timed, without the rate limiter's wait, in {@code leakguard_cloud_call_seconds{product,action}}.
 */
public final class CloudCaller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CloudCaller.class);
  /** The call histogram's buckets: an API call takes tens of milliseconds to seconds. */
  private static final Duration[] CALL_BUCKETS = {Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final CloudSettings settings;
  private final IAcsClient client;
  private final String account;
  private final RateLimiter limiter;
  private final MeterRegistry meters;

  /** A caller of its own, with its own rate limits, labelled "default" in logs and limits. */
  public CloudCaller(CloudSettings settings, AlibabaCloudCredentialsProvider credentials) {
    this(settings, credentials, "default", RateLimiter.withDocumentedLimits(settings.ratePerSecond()));
  }

  /**
   * @param account the account the credentials act in: the key of the rate limits and the label of log lines
   * @param limiter the rate limits, shared by every caller of the process so that limits hold per account
   */
  public CloudCaller(CloudSettings settings, AlibabaCloudCredentialsProvider credentials, String account,
      RateLimiter limiter) {
    this(settings, credentials, account, limiter, new CompositeMeterRegistry());
  }

  /** @param meters where the calls are counted and timed (a composite with no member records nothing) */
  public CloudCaller(CloudSettings settings, AlibabaCloudCredentialsProvider credentials, String account,
      RateLimiter limiter, MeterRegistry meters) {
    this.meters = meters;
    this.settings = settings;
    this.account = account;
    this.limiter = limiter;
    DefaultProfile profile = DefaultProfile.getProfile(settings.region());
    HttpClientConfig http = HttpClientConfig.getDefault();
    http.setConnectionTimeoutMillis(settings.connectTimeout().toMillis());
    http.setReadTimeoutMillis(settings.readTimeout().toMillis());
    // ActionTrail requests set no protocol and would otherwise go over plain HTTP to the real endpoint.
    http.setProtocolType(ProtocolType.HTTPS);
    profile.setHttpClientConfig(http);
    this.client = new DefaultAcsClient(profile, credentials);
  }

  /** One SDK call, as {@link #send} retries it. */
  @FunctionalInterface
  private interface Attempt<T> {
    T run() throws ClientException;
  }

  /** Sends the request with retries; the response, or a classified {@link CloudException}. */
  public <T extends AcsResponse> T call(Product product, AcsRequest<T> request) throws CloudException {
    settings.endpoint(product).ifPresent(endpoint -> pointAt(request, endpoint));
    return send(product, request.getSysActionName(), () -> client.getAcsResponse(request), Long.MAX_VALUE);
  }

  /**
   * Like {@link #call(Product, AcsRequest)}, for a call that is worth making only soon: when the client-side rate
   * limit would make it wait more than {@code maxRateWait}, it is not made (and reserves nothing); the answer is a
   * THROTTLED {@code LeakGuard.RateLimited}, not retried.
   */
  public <T extends AcsResponse> T callWithin(Product product, AcsRequest<T> request, java.time.Duration maxRateWait)
      throws CloudException {
    settings.endpoint(product).ifPresent(endpoint -> pointAt(request, endpoint));
    return send(product, request.getSysActionName(), () -> client.getAcsResponse(request), maxRateWait.toNanos());
  }

  /**
   * Sends a {@link CommonRequest} (a product without request classes, such as Security Center) with the same retries,
   * rate limits and classification; returns the response body, JSON. The request names its product, version and
   * action; it goes to the product's endpoint override, else to {@code defaultHost} over HTTPS.
   */
  public String call(Product product, CommonRequest request, String defaultHost) throws CloudException {
    request.setSysProduct(product.code());
    request.setSysVersion(product.version());
    request.setSysMethod(MethodType.POST);
    URI endpoint = settings.endpoint(product).orElse(URI.create("https://" + defaultHost));
    request.setSysDomain(endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort());
    request.setSysProtocol("http".equals(endpoint.getScheme()) ? ProtocolType.HTTP : ProtocolType.HTTPS);
    request.setSysRegionId(settings.region());
    return send(product, request.getSysAction(), () -> client.getCommonResponse(request).getData(), Long.MAX_VALUE);
  }

  private <T> T send(Product product, String action, Attempt<T> once, long maxRateWaitNanos)
      throws CloudException {
    for (int attempt = 1; ; attempt++) {
      try {
        if (!limiter.acquireWithin(account, product, action, maxRateWaitNanos)) {
          count(product, action, "throttled");
          throw new CloudException(CloudErrorClass.THROTTLED, "LeakGuard.RateLimited", action + " in account "
              + account + " would wait longer than " + maxRateWaitNanos / 1_000_000 + " ms for the client-side rate "
              + "limit: not made", null, null);
        }
        long started = System.nanoTime();
        try {
          T answer = once.run();
          count(product, action, "ok");
          return answer;
        } finally {
          Timer.builder("leakguard.cloud.call").description("one attempt of an Alibaba Cloud API call")
              .serviceLevelObjectives(CALL_BUCKETS).tag("product", product.code()).tag("action", action)
              .register(meters).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        count(product, action, "failed");
        Thread.currentThread().interrupt();
        throw new CloudException(CloudErrorClass.RETRYABLE, "LeakGuard.Interrupted",
            "interrupted while waiting to call " + action, null, e);
      } catch (ClientException e) {
        CloudException classified = CloudErrors.classify(e);
        if (!classified.errorClass().retryable() || attempt >= settings.maxAttempts()) {
          // Not found is often the expected answer (a KMS secret not created yet, a key already deleted by a
          // resumed run): counted apart, so that "failed" means an error someone should look at.
          count(product, action, classified.errorClass() == CloudErrorClass.NOT_FOUND ? "not_found" : "failed");
          throw classified;
        }
        count(product, action, classified.errorClass() == CloudErrorClass.THROTTLED ? "throttled" : "retried");
        long delay = backoffMillis(attempt);
        LOG.debug("{} {} in account {}: attempt {} failed with {}; retrying in {} ms", product, action, account,
            attempt, classified.code(), delay);
        sleep(delay, classified);
      }
    }
  }

  private void count(Product product, String action, String result) {
    Counter.builder("leakguard.cloud.calls").description("attempts of Alibaba Cloud API calls, by result")
        .tag("product", product.code()).tag("action", action).tag("result", result).register(meters).increment();
  }

  private static void pointAt(AcsRequest<?> request, URI endpoint) {
    String host = endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    request.setSysEndpoint(host);
    request.setSysProtocol("http".equals(endpoint.getScheme()) ? ProtocolType.HTTP : ProtocolType.HTTPS);
  }

  /** Full jitter: uniformly random between 0 and min(cap, base * 2^(attempt-1)). */
  long backoffMillis(int attempt) {
    long ceiling = Math.min(settings.backoffCap().toMillis(),
        settings.backoffBase().toMillis() << Math.min(attempt - 1, 20));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  private static void sleep(long millis, CloudException cause) throws CloudException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw cause;
    }
  }

  /**
   * Nothing to release: the SDK's HTTP client is a JVM-wide singleton shared by every caller in the process, and
   * {@code DefaultAcsClient.shutdown()} would close it under the feet of the others.
   */
  @Override
  public void close() {}
}
