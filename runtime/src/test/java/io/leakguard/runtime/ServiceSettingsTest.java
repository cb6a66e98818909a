package io.leakguard.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;

class ServiceSettingsTest {

  private static final ServiceDefinition SERVICE = new ServiceDefinition() {
    @Override
    public String name() {
      return "test-service";
    }

    @Override
    public String applicationId() {
      return "leakguard-test-service";
    }

    @Override
    public List<io.leakguard.config.Option<?>> options() {
      return List.of();
    }

    @Override
    public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
      return new Topology();
    }
  };

  @Test
  void shouldTakeOnlyRealKafkaConfigsFromKafkaVariables() {
    // Given Kafka's script variables and the links Kubernetes adds for a service named kafka, beside real configs
    Map<String, String> env = Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "KAFKA_PRODUCER_LINGER_MS", "5",
        "KAFKA_HEAP_OPTS", "-Xmx1g",
        "KAFKA_OPTS", "-javaagent:x.jar",
        "KAFKA_PORT", "tcp://10.0.0.1:9092",
        "KAFKA_PORT_9092_TCP_ADDR", "10.0.0.1",
        "KAFKA_SERVICE_HOST", "10.0.0.1");

    // When a service loads its settings
    Settings settings = ServiceMain.loader(SERVICE).load(env, List.of());

    // Then only the real configs reach Kafka
    assertEquals(Map.of("bootstrap.servers", "kafka:9092", "security.protocol", "SASL_SSL", "producer.linger.ms", "5"),
        settings.kafka());
  }

  @Test
  void shouldKnowKafkaConfigsWithAndWithoutStreamsPrefixes() {
    assertTrue(KafkaProperties.isKnown("sasl.jaas.config"));
    assertTrue(KafkaProperties.isKnown("main.consumer.max.poll.records"));
    assertTrue(KafkaProperties.isKnown("topic.min.insync.replicas"));
    assertFalse(KafkaProperties.isKnown("heap.opts"));
    assertFalse(KafkaProperties.isKnown("port.9092.tcp"));
  }

  @Test
  void shouldKeepStateOutOfTheTempDirectoryAndSendGlobalThreadErrorsToTheDeadLetters() {
    Settings settings = ServiceMain.loader(SERVICE).load(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"), List.of());

    Properties props = StreamsService.streamsProperties(SERVICE, settings, new TopicCatalog("leakguard."));

    Path stateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG));
    assertFalse(stateDir.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), stateDir.toString());
    assertTrue(stateDir.endsWith("leakguard"), stateDir.toString());
    assertEquals(true, props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG));
  }
}
