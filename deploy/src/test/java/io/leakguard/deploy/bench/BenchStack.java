package io.leakguard.deploy.bench;

import io.leakguard.emulator.Emulator;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StreamsService;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.testkit.KafkaFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A pipeline in one JVM for benchmarks: a real broker, the emulator over HTTP and any of the services, configured as
 * in production (exactly-once, default commit interval). Credentials reach the services through the default chain
 * (system properties), like in {@code PipelineIT}.
 */
final class BenchStack implements AutoCloseable {

  final String account = SyntheticKeys.accountId();
  final String operatorId = SyntheticKeys.accessKeyId();
  final String operatorSecret = SyntheticKeys.secret();
  final Path dir;
  final KafkaFixture broker;
  final Emulator emulator;
  /** Synchronized: {@link #launch} may be called from several threads, to start instances of a group together. */
  final List<StreamsService> services = java.util.Collections.synchronizedList(new ArrayList<>());

  BenchStack() throws Exception {
    this(8);
  }

  /** @param emulatorThreads the emulator's request threads: with added latency, they bound its calls per second */
  BenchStack(int emulatorThreads) throws Exception {
    dir = Files.createTempDirectory("leakguard-bench");
    broker = KafkaFixture.start(dir.resolve("kafka"));
    emulator = Emulator.builder().threads(emulatorThreads).build().start();
    System.setProperty("alibabacloud.accessKeyId", operatorId);
    System.setProperty("alibabacloud.accessKeySecret", operatorSecret);
  }

  /** Seeds the account with LeakGuard's operator and the given users, one key each (IDs and secrets given). */
  void seed(Map<String, String[]> users) {
    TestFleet.Account fleet = TestFleet.account(account)
        .user("leakguard", u -> u.key(operatorId, operatorSecret).systemPolicy("AdministratorAccess"));
    users.forEach((name, key) -> fleet.user(name, u -> u.key(key[0], key[1])));
    fleet.seed(emulator);
  }

  /** Starts a service and waits until it is RUNNING. */
  StreamsService start(ServiceDefinition definition, String... extra) throws Exception {
    StreamsService service = launch(definition, extra);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (service.state() != KafkaStreams.State.RUNNING) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(definition.name() + " did not reach RUNNING");
      }
      Thread.sleep(20); // waiting for another component's state; a benchmark harness, not a test
    }
    return service;
  }

  /** Starts a service and returns once Streams is starting; later flags win over earlier ones. */
  StreamsService launch(ServiceDefinition definition, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(),
        "--topics.partitions=3", "--state.dir=" + dir.resolve("state/" + definition.name()), "--health.port=-1",
        "--cloud.endpoint=" + emulator.endpoint()));
    args.addAll(Arrays.asList(extra));
    // Extra settings for experiments, e.g. -Dbench.settings="--kafka.commit.interval.ms=10 --kafka.x=y"
    String experiment = System.getProperty("bench.settings", "").trim();
    if (!experiment.isEmpty()) {
      args.addAll(Arrays.asList(experiment.split("\\s+")));
    }
    StreamsService service = StreamsService.start(definition, ServiceMain.loader(definition).load(Map.of(), args));
    services.add(service);
    return service;
  }

  Properties clientProps() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    return props;
  }

  static long percentile(List<Long> sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  @Override
  public void close() {
    services.forEach(StreamsService::close);
    emulator.close();
    broker.close();
  }
}
