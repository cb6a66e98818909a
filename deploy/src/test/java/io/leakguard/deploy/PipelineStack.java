package io.leakguard.deploy;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.leakguard.emulator.Emulator;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StreamsService;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.testkit.TestFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.LoggerFactory;

/**
 * The services of the pipeline in this JVM, on a real broker and the emulator over real HTTP, with every log line
 * captured (for the no-secret checks): what the deploy module's end-to-end tests share. The operator's key pair is
 * LeakGuard's identity through the default credential chain (system properties, since a test cannot set its own
 * environment).
 */
final class PipelineStack implements AutoCloseable {

  private final Path dir;
  private final String prefix;
  private final KafkaFixture broker;
  private final Emulator emulator;
  private final List<StreamsService> services = new ArrayList<>();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  private PipelineStack(Path dir, String prefix, KafkaFixture broker, Emulator emulator) {
    this.dir = dir;
    this.prefix = prefix;
    this.broker = broker;
    this.emulator = emulator;
  }

  /** Starts capturing logs, the broker and the emulator seeded with {@code fleet}; no service yet. */
  static PipelineStack start(Path dir, String prefix, TestFleet.Account fleet, String operatorId,
      String operatorSecret) throws Exception {
    PipelineStack stack = new PipelineStack(dir, prefix, KafkaFixture.start(dir.resolve("kafka")),
        Emulator.builder().build().start());
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    stack.logs.setContext(context);
    stack.logs.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(stack.logs);
    fleet.seed(stack.emulator);
    System.setProperty("alibabacloud.accessKeyId", operatorId);
    System.setProperty("alibabacloud.accessKeySecret", operatorSecret);
    return stack;
  }

  /** Starts a service with the test's prefix, small topics, its own state directory, then {@code extra}. */
  void start(ServiceDefinition definition, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(),
        "--topic.prefix=" + prefix, "--topics.partitions=2", "--state.dir=" + dir.resolve("state/" + definition.name()),
        "--health.port=0", "--health.bind=127.0.0.1"));
    args.addAll(List.of(extra));
    services.add(StreamsService.start(definition, ServiceMain.loader(definition).load(Map.of(), args)));
  }

  /** Waits until every service started so far is RUNNING. */
  void awaitRunning(Duration atMost) {
    await().atMost(atMost).until(this::allRunning);
  }

  boolean allRunning() {
    return services.stream().allMatch(s -> s.state() == KafkaStreams.State.RUNNING);
  }

  /** Stops every service (their state directories stay, for a restart). */
  void stopServices() {
    services.forEach(StreamsService::close);
    services.clear();
  }

  KafkaFixture broker() {
    return broker;
  }

  Emulator emulator() {
    return emulator;
  }

  /** Every log line so far. */
  List<ILoggingEvent> logLines() {
    return List.copyOf(logs.list);
  }

  @Override
  public void close() {
    stopServices();
    System.clearProperty("alibabacloud.accessKeyId");
    System.clearProperty("alibabacloud.accessKeySecret");
    emulator.close();
    broker.close();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
  }
}
