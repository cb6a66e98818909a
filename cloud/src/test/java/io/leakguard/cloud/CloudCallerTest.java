package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Faults;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries of the cloud boundary against the emulator's faults, through the real SDK. */
class CloudCallerTest {

  private final String account = SyntheticKeys.accountId();
  private final String keyId = SyntheticKeys.accessKeyId();
  private final String secret = SyntheticKeys.secret();
  private Emulator emulator;
  private AlibabaCloud cloud;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.account(account).rootKey(keyId, secret).user("alice").seed(emulator);
    CloudSettings settings = new CloudSettings("cn-hangzhou", Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(5),
        4, Duration.ofMillis(1), Duration.ofMillis(20), 0).withEndpointForAll(URI.create(emulator.endpoint()));
    cloud = AlibabaCloud.with(settings, new StaticCredentialsProvider(new BasicCredentials(keyId, secret)));
  }

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  private void failNext(String target, int count, String code) {
    emulator.faults().configure(new Faults.Config(1L,
        List.of(new Faults.Rule(target, null, code, null, null, count)), null));
  }

  private int remaining() {
    return emulator.faults().current().rules().get(0).failNext();
  }

  @Test
  void shouldRetryServiceUnavailableUntilItSucceeds() throws Exception {
    failNext("Ram:ListUsers", 3, "ServiceUnavailable");

    assertEquals(List.of("alice"), cloud.ram().listUsers().stream().map(RamGateway.User::userName).toList());
    assertEquals(0, remaining());
  }

  @Test
  void shouldRetryThrottlingSentWithHttp400WhichTheSdkNeverRetries() throws Exception {
    failNext("Ram:ListUsers", 2, "Throttling.User");

    assertEquals(1, cloud.ram().listUsers().size());
  }

  @Test
  void shouldRetryKmsThrottlingWith429() throws Exception {
    failNext("Kms", 2, "Rejected.Throttling");

    cloud.kms().storeAccessKey("app/key", "v1", SyntheticKeys.accessKeyId(), new Secret(SyntheticKeys.secret()));

    assertEquals(1, emulator.state().snapshot().secrets().size());
  }

  @Test
  void shouldGiveUpAfterTheLastAttempt() {
    failNext("Ram:ListUsers", 10, "ServiceUnavailable");

    CloudException e = assertThrows(CloudException.class, () -> cloud.ram().listUsers());

    assertEquals(CloudErrorClass.RETRYABLE, e.errorClass());
    assertEquals(6, remaining(), "4 attempts, no more");
  }

  @Test
  void shouldNotRetryAPermanentError() {
    failNext("Ram:ListUsers", 5, "NoPermission");

    CloudException e = assertThrows(CloudException.class, () -> cloud.ram().listUsers());

    assertEquals(CloudErrorClass.DENIED, e.errorClass());
    assertEquals(4, remaining(), "exactly one attempt");
  }

  @Test
  void shouldCountEachAttemptByItsResultWithNotFoundApartFromFailed() throws Exception {
    // Given a caller that counts into a registry of its own
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    CloudSettings settings = new CloudSettings("cn-hangzhou", Map.of(), Duration.ofSeconds(2), Duration.ofSeconds(5),
        4, Duration.ofMillis(1), Duration.ofMillis(20), 0).withEndpointForAll(URI.create(emulator.endpoint()));
    AlibabaCloud counted = AlibabaCloud.of(new CloudCaller(settings, new StaticCredentialsProvider(
        new BasicCredentials(keyId, secret)), account, RateLimiter.withDocumentedLimits(0), meters));

    // When one call is throttled once then succeeds, one asks for a user that does not exist, one is denied
    failNext("Ram:ListUsers", 1, "Throttling.User");
    counted.ram().listUsers();
    assertThrows(CloudException.class, () -> counted.ram().getUser("nobody"));
    failNext("Ram:ListUsers", 1, "NoPermission");
    assertThrows(CloudException.class, () -> counted.ram().listUsers());

    // Then each attempt is counted under its result
    java.util.function.BiFunction<String, String, Double> calls = (action, result) -> meters.find(
        "leakguard.cloud.calls").tags("product", "Ram", "action", action, "result", result).counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    assertEquals(1.0, calls.apply("ListUsers", "throttled"));
    assertEquals(1.0, calls.apply("ListUsers", "ok"));
    assertEquals(1.0, calls.apply("ListUsers", "failed"));
    assertEquals(1.0, calls.apply("GetUser", "not_found"));
    assertEquals(0.0, calls.apply("GetUser", "failed"));
  }
}
