package io.leakguard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final Option<String> PREFIX = Option.string("topic.prefix", "leakguard.", "prefix");
  private static final Option<Integer> PORT = Option.integer("health.port", 8080, -1, 65535, "port");
  private static final Option<Duration> TIMEOUT = Option.duration("cloud.timeout", "10s", "timeout");
  private static final Option<String> BOOTSTRAP = Option.string("kafka.bootstrap.servers", null, "bootstrap");

  /** The Kafka properties this test's loader accepts from KAFKA_* variables (services pass Kafka's own names). */
  private static final java.util.Set<String> KAFKA_NAMES = java.util.Set.of("bootstrap.servers", "commit.interval.ms");

  private final ConfigLoader loader = new ConfigLoader(List.of(PREFIX, PORT, TIMEOUT, BOOTSTRAP), KAFKA_NAMES::contains);

  @Test
  void shouldLayerDefaultsFileEnvironmentAndFlagsInThatOrder(@TempDir Path dir) throws Exception {
    // Given a file setting all three, an environment overriding two and a flag overriding one
    Path file = dir.resolve("svc.properties");
    Files.writeString(file, "topic.prefix=file.\nhealth.port=1\ncloud.timeout=1s\nkafka.bootstrap.servers=file:9092\n");
    Map<String, String> env = Map.of("LEAKGUARD_HEALTH_PORT", "2", "LEAKGUARD_CLOUD_TIMEOUT", "2s",
        "LEAKGUARD_UNRELATED", "x");

    // When loaded
    Settings settings = loader.load(env, List.of("--config", file.toString(), "--cloud.timeout=500ms"));

    // Then each layer wins over the ones before it
    assertEquals("file.", settings.get(PREFIX));
    assertEquals(2, settings.get(PORT));
    assertEquals(Duration.ofMillis(500), settings.get(TIMEOUT));
    assertEquals("file:9092", settings.kafka().get("bootstrap.servers"));
  }

  @Test
  void shouldMapKafkaEnvironmentVariablesToKafkaProperties() {
    Settings settings = loader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092", "KAFKA_COMMIT_INTERVAL_MS", "50"),
        List.of());

    assertEquals("env:9092", settings.get(BOOTSTRAP));
    assertEquals("50", settings.kafka().get("commit.interval.ms"));
  }

  @Test
  void shouldIgnoreKafkaVariablesThatNameNoKafkaProperty() {
    Settings settings = loader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092", "KAFKA_HEAP_OPTS", "-Xmx1g",
        "KAFKA_PORT", "tcp://10.0.0.1:9092"), List.of());

    assertEquals(Map.of("bootstrap.servers", "env:9092"), settings.kafka());
  }

  @Test
  void shouldNameTheKeyOfABadValue() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "x:1"), List.of("--health.port=http")));
    assertTrue(e.getMessage().contains("health.port"), e.getMessage());
  }

  @Test
  void shouldRefuseAValueOutOfRange() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Map.of("LEAKGUARD_HEALTH_PORT", "70000", "KAFKA_BOOTSTRAP_SERVERS", "x:1"), List.of()));
    assertTrue(e.getMessage().contains("health.port") && e.getMessage().contains("70000"), e.getMessage());
  }

  @Test
  void shouldRefuseADurationLongerThanItsBound() {
    Option<Duration> ttl = Option.duration("probe.ttl", "10m", Duration.ofDays(7), "ttl");
    ConfigLoader bounded = new ConfigLoader(List.of(ttl, BOOTSTRAP), KAFKA_NAMES::contains);

    assertEquals(Duration.ofHours(168), bounded.load(Map.of("LEAKGUARD_PROBE_TTL", "168h",
        "KAFKA_BOOTSTRAP_SERVERS", "x:1"), List.of()).get(ttl));
    ConfigException e = assertThrows(ConfigException.class, () -> bounded.load(Map.of("LEAKGUARD_PROBE_TTL", "169h",
        "KAFKA_BOOTSTRAP_SERVERS", "x:1"), List.of()));
    assertTrue(e.getMessage().contains("probe.ttl") && e.getMessage().contains("PT168H"), e.getMessage());
  }

  @Test
  void shouldNameAMissingRequiredOption() {
    ConfigException e = assertThrows(ConfigException.class, () -> loader.load(Map.of(), List.of()));
    assertTrue(e.getMessage().contains("kafka.bootstrap.servers"), e.getMessage());
  }

  @Test
  void shouldRefuseAnUnknownFlag() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "x:1"), List.of("--topic.prefx=oops")));
    assertTrue(e.getMessage().contains("topic.prefx"), e.getMessage());
  }

  @Test
  void shouldNameAMissingConfigFile() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> loader.load(Map.of("LEAKGUARD_CONFIG", "/nonexistent/leakguard.properties"), List.of()));
    assertTrue(e.getMessage().contains("/nonexistent/leakguard.properties"), e.getMessage());
  }

  @Test
  void shouldParseDurationsInEveryDocumentedForm() {
    assertEquals(Duration.ofMillis(250), Option.parseDuration("250ms"));
    assertEquals(Duration.ofSeconds(3), Option.parseDuration("3s"));
    assertEquals(Duration.ofMinutes(5), Option.parseDuration("5m"));
    assertEquals(Duration.ofHours(2), Option.parseDuration("2h"));
    assertEquals(Duration.ofSeconds(30), Option.parseDuration("PT30S"));
    assertThrows(IllegalArgumentException.class, () -> Option.parseDuration("soon"));
  }
}
