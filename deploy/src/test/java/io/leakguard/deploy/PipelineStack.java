package io.leakguard.deploy;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.emulator.Emulator;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StreamsService;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.testkit.TestFleet;
import io.leakguard.testkit.TestRrsa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.LoggerFactory;

/**
 * The services of the pipeline in this JVM, on a real broker and the emulator over real HTTP, with every log line
 * captured (for the no-secret checks): what the deploy module's end-to-end tests share. LeakGuard's identity comes
 * through the default credential chain, as in production: by RRSA ({@link #startRrsa}: the enricher and the
 * remediator each assume a role of their own with the policy of {@code deploy/ram/<service>.json} by
 * {@code AssumeRoleWithOIDC}), or from an operator's key pair ({@link #start}), both through system properties since
 * a test cannot set its own environment.
 */
final class PipelineStack implements AutoCloseable {

  private final Path dir;
  private final String prefix;
  private final KafkaFixture broker;
  private final Emulator emulator;
  private final List<StreamsService> services = new ArrayList<>();
  /** RRSA roles by service name; empty on the AccessKey path. */
  private final Map<String, String> roles = new java.util.HashMap<>();
  private TestRrsa rrsa;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      // The MDC (and the thread name) are read lazily, on the reading thread: take them now, on the logging one.
      event.prepareForDeferredProcessing();
      super.append(event);
    }
  };

  private PipelineStack(Path dir, String prefix, KafkaFixture broker, Emulator emulator) {
    this.dir = dir;
    this.prefix = prefix;
    this.broker = broker;
    this.emulator = emulator;
  }

  /**
   * Starts capturing logs, the broker and the emulator seeded with {@code fleet}; no service yet. The services
   * sign with the operator's key pair ({@code alibabacloud.accessKeyId}): the AccessKey path of the chain.
   */
  static PipelineStack start(Path dir, String prefix, TestFleet.Account fleet, String operatorId,
      String operatorSecret) throws Exception {
    PipelineStack stack = start(dir, prefix, fleet, Emulator.builder());
    System.setProperty("alibabacloud.accessKeyId", operatorId);
    System.setProperty("alibabacloud.accessKeySecret", operatorSecret);
    return stack;
  }

  /**
   * As {@link #start}, the services getting their identities the RRSA way: an OIDC provider in {@code home}, a role
   * {@code leakguard-<service>} for the enricher and the remediator trusting it, with the account's custom policy
   * {@code LeakGuardEnricher} or {@code LeakGuardRemediator} (which {@code home} must define), and a token file per
   * service. Services must be given {@link #cloudArgs()}: STS is called on the emulator's HTTPS listener.
   */
  static PipelineStack startRrsa(Path dir, String prefix, TestFleet.Account home) throws Exception {
    return startRrsa(dir, prefix, home, Map.of("enricher", "LeakGuardEnricher", "remediator", "LeakGuardRemediator"));
  }

  /** As {@link #startRrsa(Path, String, TestFleet.Account)}, with a role per service of {@code roles} (service to policy). */
  static PipelineStack startRrsa(Path dir, String prefix, TestFleet.Account home, Map<String, String> roles)
      throws Exception {
    TestRrsa rrsa = new TestRrsa(home, dir);
    roles.forEach((service, policy) -> rrsa.role("leakguard-" + service, policy));
    Emulator.Builder emulator = TestRrsa.emulator();
    // The SDK keeps one Apache HTTP client per JVM, with the JVM's trust as it was when the client was built; an
    // earlier test of this JVM may have built it before the emulators' trust store was installed. Closing it drops
    // the singleton, so the next client is built trusting the emulators' certificate.
    com.aliyuncs.http.clients.ApacheHttpClient.getInstance().close();
    PipelineStack stack = start(dir, prefix, home, emulator);
    stack.rrsa = rrsa;
    roles.keySet().forEach(service -> stack.roles.put(service, "leakguard-" + service));
    return stack;
  }

  private static PipelineStack start(Path dir, String prefix, TestFleet.Account fleet, Emulator.Builder emulator)
      throws Exception {
    PipelineStack stack = new PipelineStack(dir, prefix, KafkaFixture.start(dir.resolve("kafka")),
        emulator.build().start());
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    stack.logs.setContext(context);
    stack.logs.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(stack.logs);
    fleet.seed(stack.emulator);
    return stack;
  }

  /** The emulator's endpoints, as options of a service: STS on HTTPS when the identities are RRSA ones. */
  String[] cloudArgs() {
    return rrsa == null ? new String[] {"--cloud.endpoint=" + emulator.endpoint()}
        : new String[] {"--cloud.endpoint=" + emulator.endpoint(), "--cloud.endpoint.sts=" + emulator.httpsEndpoint()};
  }

  /** The RRSA role a service assumes, if it has one. */
  java.util.Optional<String> roleOf(String service) {
    return java.util.Optional.ofNullable(roles.get(service));
  }

  /**
   * Starts a service with the test's prefix, small topics, its own state directory, then {@code extra}; returns it
   * (for what its topology opened, e.g. a receiver's port).
   */
  StreamsService start(ServiceDefinition definition, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(),
        "--topic.prefix=" + prefix, "--topics.partitions=2", "--state.dir=" + dir.resolve("state/" + definition.name()),
        "--health.port=0", "--health.bind=127.0.0.1"));
    args.addAll(List.of(extra));
    if (rrsa != null && roles.containsKey(definition.name())) {
      rrsa.use(roles.get(definition.name()));
    }
    StreamsService service = StreamsService.start(definition, ServiceMain.loader(definition).load(Map.of(), args));
    services.add(service);
    return service;
  }

  /** Waits until every service started so far is RUNNING. */
  void awaitRunning(Duration atMost) {
    await().atMost(atMost).until(this::allRunning);
  }

  /** The services started so far (each with its own health port and meter registry). */
  List<StreamsService> services() {
    return List.copyOf(services);
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

  /** The emulator's audit trail through its admin API, newest first, at most {@code limit} events. */
  List<JsonNode> events(int limit) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(emulator.endpoint() + "/admin/events?limit=" + limit))
        .header("Authorization", "Bearer " + emulator.adminToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("admin events: HTTP " + response.statusCode() + ": " + response.body());
    }
    List<JsonNode> events = new ArrayList<>();
    new ObjectMapper().readTree(response.body()).path("events").forEach(events::add);
    return events;
  }

  /**
   * Every record of a topic from the start, read with the given isolation ({@code read_uncommitted} for the no-secret
   * checks: a secret in an aborted write would still sit on the broker's disk).
   */
  List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("group.id", "read-all-" + System.nanoTime());
    props.put("isolation.level", isolation);
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      return drain(consumer, topic);
    }
  }

  /** Every record of {@code topic} from the start, through an assigned consumer, up to the end offsets of now. */
  static List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> drain(
      org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      consumer.poll(Duration.ofMillis(100)).forEach(all::add);
      return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
    });
    return all;
  }

  /**
   * Fails when any of {@code secrets} is in a key or value of any topic of the broker but {@code skipped} (aborted
   * writes included); returns how many records were read.
   */
  int assertNoSecretInTopics(java.util.Collection<String> secrets, java.util.Set<String> skipped) throws Exception {
    java.util.Set<String> topics;
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      topics = admin.listTopics().names().get();
    }
    int records = 0;
    for (String topic : topics) {
      if (skipped.contains(topic)) {
        continue;
      }
      for (var record : readAll(topic, "read_uncommitted")) {
        records++;
        String text = (record.key() == null ? "" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8))
            + new String(record.value() == null ? new byte[0] : record.value(),
                java.nio.charset.StandardCharsets.UTF_8);
        for (String secret : secrets) {
          org.junit.jupiter.api.Assertions.assertFalse(text.contains(secret),
              "a secret is in topic " + topic + " at offset " + record.offset());
        }
      }
    }
    return records;
  }

  /** Writes {@code content} to the raw-content topic, as a scanner would, under {@code location}. */
  void leak(String location, String content) throws Exception {
    var raw = new io.leakguard.schemas.TopicCatalog(prefix).rawContent();
    try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(Map.<String, Object>of(
        "bootstrap.servers", broker.bootstrapServers(), "acks", "all"), raw.keySerde().serializer(),
        raw.valueSerde().serializer())) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(raw.name(), location,
          new io.leakguard.schemas.edge.RawContent("it", location, content, null))).get();
    }
  }

  /**
   * Waits for the first committed value on {@code topic} with key {@code key} that {@code wanted} accepts, reading
   * from the start, and returns it.
   */
  <V> V awaitValue(io.leakguard.schemas.Topic<String, V> topic, String key, java.util.function.Predicate<V> wanted,
      Duration atMost) {
    List<V> found = new ArrayList<>();
    java.util.Properties props = new java.util.Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("group.id", "await-" + System.nanoTime());
    props.put("auto.offset.reset", "earliest");
    props.put("isolation.level", "read_committed");
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topic.name()));
      await().atMost(atMost).until(() -> {
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          if (key.equals(record.key()) && record.value() != null && wanted.test(record.value())) {
            found.add(record.value());
          }
        }
        return !found.isEmpty();
      });
    }
    return found.get(0);
  }

  /** A captured event's message with the messages of its exception chain: what a log line shows. */
  static String logLine(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getFormattedMessage());
    for (ch.qos.logback.classic.spi.IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      line.append(' ').append(t.getMessage());
    }
    return line.toString();
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
    TestRrsa.clear();
    emulator.close();
    broker.close();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
  }
}
