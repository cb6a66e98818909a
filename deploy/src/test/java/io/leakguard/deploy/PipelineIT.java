package io.leakguard.deploy;

import io.leakguard.cli.Leakguard;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudCaller;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.Product;
import io.leakguard.detector.DetectorApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.KeyView;
import io.leakguard.notifier.NotifierApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.runtime.JsonLogEncoder;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline end to end on a real broker and the emulator over real HTTP: a leak goes in; the key is
 * rotated; the new key is in KMS; the old key is refused; outcome and notification are on their topics; malformed
 * records go to each service's dead-letter topic while the services keep running; and no secret, leaked or new,
 * appears in any topic LeakGuard writes or in any log line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {

  private static final String PREFIX = "it.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);

  @TempDir
  static Path dir;
  static PipelineStack stack;
  static KafkaFixture broker;
  static Emulator emulator;

  static final String account = SyntheticKeys.accountId();
  static final String rootId = SyntheticKeys.accessKeyId();
  static final String rootSecret = SyntheticKeys.secret();
  static final Map<String, String[]> users = new HashMap<>();
  static final Set<String> secretsThatMustNotLeak = ConcurrentHashMap.newKeySet();
  static ChannelReceivers receivers;

  @BeforeAll
  static void startEverything() throws Exception {

    for (String user : List.of("alice", "bob", "carol")) {
      users.put(user, new String[] {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()});
      secretsThatMustNotLeak.add(users.get(user)[1]);
    }
    TestFleet.Account fleet = TestFleet.account(account).alias("it").rootKey(rootId, rootSecret)
        .policy("LeakGuardRemediator", DemoFleet.REMEDIATOR_POLICY)
        .policy("LeakGuardEnricher", DemoFleet.ENRICHER_POLICY)
        .user("alice", u -> u.email("alice@example.com").key(users.get("alice")[0], users.get("alice")[1]))
        .user("bob", u -> u.key(users.get("bob")[0], users.get("bob")[1]))
        .user("carol", u -> u.key(users.get("carol")[0], users.get("carol")[1]));
    // The enricher and the remediator find their credentials through the default chain, by RRSA, as on ACK.
    stack = PipelineStack.startRrsa(dir, PREFIX, fleet);
    broker = stack.broker();
    emulator = stack.emulator();
    start(new DetectorApp(), stack.cloudArgs());
    start(new EnricherApp(), stack.cloudArgs());
    start(new RemediatorApp(), stack.cloudArgs());
    receivers = new ChannelReceivers();
    secretsThatMustNotLeak.addAll(receivers.secrets());
    start(new NotifierApp(), "--notify.routing.file=" + receivers.writeRouting(dir));
    await().atMost(Duration.ofSeconds(90))
        .until(() -> stack.allRunning());
  }

  private static void start(ServiceDefinition definition, String... extra) throws Exception {
    stack.start(definition, extra);
  }

  @AfterAll
  static void stopEverything() {
    if (stack != null) {
      stack.close();
    }
    if (receivers != null) {
      receivers.close();
    }
  }

  @Test
  @Order(1)
  void shouldRotateALeakedKeyEndToEnd() throws Exception {
    // Given alice's key pair leaks in a file
    String[] alice = users.get("alice");
    leak("alice/.env", "ACCESS_KEY_ID=" + alice[0] + "\nACCESS_KEY_SECRET=" + alice[1]);

    // Then an outcome and a notification arrive for it
    RemediationOutcome outcome = awaitValue(TOPICS.remediationOutcomes(), alice[0]);
    NotificationOutcome notification = awaitValue(TOPICS.notificationOutcomes(), alice[0]);
    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertEquals(outcome.getIncidentId(), notification.getIncidentId());
    assertNotNull(notification.getTimeline().getNotifiedAt());
    // The key was live and nobody but LeakGuard's own probe used it after the leak: HIGH, not CRITICAL
    assertEquals(io.leakguard.schemas.Severity.HIGH, outcome.getSeverity());

    // And the leaked key is gone, alice has exactly the new key, KMS holds it as ACSCurrent
    String newKey = outcome.getNewAccessKeyId();
    assertTrue(emulator.state().key(alice[0]).isEmpty());
    assertEquals(List.of(newKey), emulator.state().snapshot().keys().stream()
        .filter(k -> "alice".equals(k.userName())).map(KeyView::accessKeyId).toList());
    JsonNode secretData = new ObjectMapper().readTree(currentSecretValue(outcome.getKmsSecretName()));
    assertEquals(newKey, secretData.path("AccessKeyId").asText());
    secretsThatMustNotLeak.add(secretData.path("AccessKeySecret").asText());

    // And the key was deleted by the remediator's own RRSA role session, not by any key pair of LeakGuard's
    JsonNode deletion = stack.events(5_000).stream()
        .filter(e -> "DeleteAccessKey".equals(e.path("eventName").asText())
            && alice[0].equals(e.path("requestParameters").path("UserAccessKeyId").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no DeleteAccessKey of alice's key in the trail"));
    assertEquals("assumed-role", deletion.path("userIdentity").path("type").asText());
    assertEquals("leakguard-remediator:leakguard-remediator", deletion.path("userIdentity").path("userName").asText());

    // And alice was told by e-mail, and the security team on every channel, each once
    assertTrue(notification.getDeliveries().stream().allMatch(d -> d.getDelivered()), notification.toString());
    assertEquals(7, notification.getDeliveries().size(), notification.getDeliveries().toString());
    var aliceMail = java.util.Arrays.stream(receivers.mail.getReceivedMessages()).filter(m -> {
      try {
        return m.getAllRecipients()[0].toString().equals("alice@example.com");
      } catch (jakarta.mail.MessagingException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
    assertEquals(1, aliceMail.size());
    assertTrue(aliceMail.get(0).getSubject().contains(outcome.getMaskedKey()), aliceMail.get(0).getSubject());
    for (String path : List.of("/dingtalk", "/lark", "/wecom", "/slack", "/hook")) {
      assertEquals(1, receivers.calls.getOrDefault(path, List.of()).stream()
          .filter(body -> body.contains(outcome.getIncidentId())).count(), "calls on " + path);
    }

    // And a call signed with the leaked key is refused
    AlibabaCloud attacker = AlibabaCloud.with(settings(), new StaticCredentialsProvider(
        new BasicCredentials(alice[0], alice[1])));
    CloudException refused = org.junit.jupiter.api.Assertions.assertThrows(CloudException.class,
        () -> attacker.ram().listUsers());
    assertEquals("InvalidAccessKeyId.NotFound", refused.code());
  }

  @Test
  @Order(2)
  void shouldDeadLetterMalformedRecordsOnEveryInputAndKeepRunning() throws Exception {
    // Given garbage on the input topic of each service
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (String topic : List.of(TOPICS.rawContent().name(), TOPICS.leaksDetected().name(),
          TOPICS.leaksEnriched().name(), TOPICS.remediationOutcomes().name())) {
        producer.send(new ProducerRecord<>(topic, "junk".getBytes(), "{garbage".getBytes(StandardCharsets.UTF_8))).get();
      }
    }

    // Then each service dead-letters its record with the source coordinates
    for (String service : List.of("detector", "enricher", "remediator", "notifier")) {
      DeadLetter letter = awaitValue(TOPICS.deadLetters(service), null);
      assertEquals(service, letter.getService());
      assertNotNull(letter.getSourceOffset());
    }

    // And every service still works: bob's leak goes all the way through
    String[] bob = users.get("bob");
    leak("bob/config.yaml", "accessKeyId: " + bob[0] + "\naccessKeySecret: " + bob[1]);
    assertEquals(RemediationStatus.ROTATED, awaitValue(TOPICS.remediationOutcomes(), bob[0]).getStatus());
    awaitValue(TOPICS.notificationOutcomes(), bob[0]);
    assertTrue(stack.allRunning());
  }

  @Test
  @Order(3)
  void shouldRemediateAKeyReportedByAPersonWithTheReportCommand() throws Exception {
    // Given a person reports carol's key by its ID alone
    String[] carol = users.get("carol");
    int exit = Leakguard.execute("report", "--access-key-id", carol[0], "--reason", "pasted in a ticket",
        "--reporter", "soc", "--kafka.bootstrap.servers", broker.bootstrapServers(), "--topic.prefix", PREFIX);

    // Then the report is folded into an incident and the key is rotated like any other leak
    assertEquals(0, exit);
    RemediationOutcome outcome = awaitValue(TOPICS.remediationOutcomes(), carol[0]);
    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertEquals(io.leakguard.schemas.LeakSourceType.MANUAL, outcome.getSource().getType());
    assertTrue(emulator.state().key(carol[0]).isEmpty());
  }

  @Test
  @Order(4)
  void shouldNeverWriteASecretToAnyTopicOrLog() throws Exception {
    assertTrue(secretsThatMustNotLeak.size() >= 4, "the new secrets were collected");
    // Every topic LeakGuard writes (the raw-content input carries the leak by definition and is not ours).
    int records = stack.assertNoSecretInTopics(secretsThatMustNotLeak, Set.of(TOPICS.rawContent().name()));
    assertTrue(records > 10, "only " + records + " records were read");

    List<ILoggingEvent> events = new ArrayList<>(stack.logLines());
    assertTrue(events.size() > 10);
    // Each event also as the JSON log format writes it (LEAKGUARD_LOG_FORMAT=json): MDC fields and the exception
    // string are in it too.
    JsonLogEncoder json = new JsonLogEncoder();
    json.setContext((ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory());
    json.start();
    ObjectMapper mapper = new ObjectMapper();
    java.util.regex.Pattern maskedKey = java.util.regex.Pattern.compile("(LTAI|STS\\.)?\\*{4,}[A-Za-z0-9]{0,4}");
    int remediatorLinesAboutIncidents = 0;
    for (ILoggingEvent event : events) {
      String jsonLine = new String(json.encode(event), StandardCharsets.UTF_8);
      JsonNode parsed = mapper.readTree(jsonLine);
      for (String secret : secretsThatMustNotLeak) {
        assertFalse(jsonLine.contains(secret), "a secret is in a JSON log line of " + event.getLoggerName());
      }
      String message = event.getFormattedMessage();
      if (event.getLoggerName().startsWith("io.leakguard.remediator.") && message.startsWith("incident ")) {
        remediatorLinesAboutIncidents++;
        JsonNode mdc = parsed.path("mdc");
        String incident = mdc.path(IncidentMdc.INCIDENT).asText();
        assertFalse(incident.isEmpty(), "no incident in the MDC of: " + jsonLine);
        assertTrue(message.startsWith("incident " + incident), "the MDC names another incident: " + jsonLine);
        assertTrue(maskedKey.matcher(mdc.path(IncidentMdc.KEY).asText()).matches(),
            "no masked key in the MDC of: " + jsonLine);
      }

      String line = PipelineStack.logLine(event);
      for (String secret : secretsThatMustNotLeak) {
        assertFalse(line.contains(secret), "a secret is in a log line of " + event.getLoggerName());
      }
    }
    assertTrue(remediatorLinesAboutIncidents > 0, "the remediator logged no line about an incident");
  }

  @Test
  @Order(5)
  void shouldServeMetricsThatPromtoolAcceptsAndThatAgreeWithTheTopics() throws Exception {
    // Given promtool, the Prometheus tool that lints an exposition the way Prometheus reads it
    Path promtool = onPath("promtool").orElseThrow(() -> new AssertionError("promtool is not on the PATH: install "
        + "it (Debian: apt-get install -y prometheus; .ci/run does) to check the services' /metrics"));

    // When every running service's /metrics is scraped, each scrape passes promtool check metrics
    Map<String, String> scrapes = new HashMap<>();
    for (io.leakguard.runtime.StreamsService service : stack.services()) {
      String scrape = scrape(service.healthPort());
      scrapes.put(service.name(), scrape);
      // Kept for a reader (and the dashboard's author): what each service exposes.
      Path kept = Path.of("target", "pipeline-metrics", service.name() + ".prom");
      java.nio.file.Files.createDirectories(kept.getParent());
      java.nio.file.Files.writeString(kept, scrape);
      // The whole scrape parses (exit 1 is a format error). Kafka's own metric names break promtool's naming lints
      // (`_ns`, `_ms`, gauges ending in `_count`: exit 3); they are the binder's standard names and are kept.
      Promtool whole = promtool(promtool, scrape);
      assertTrue(whole.exit() == 0 || whole.exit() == 3, service.name() + ": promtool: " + whole.output());
      assertFalse(whole.output().lines().anyMatch(l -> l.startsWith("leakguard_")), service.name()
          + ": promtool lints a LeakGuard metric: " + whole.output());
      // LeakGuard's own metrics pass every lint
      String ours = scrape.lines().filter(l -> l.startsWith("leakguard_") || l.startsWith("# HELP leakguard_")
          || l.startsWith("# TYPE leakguard_")).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
      Promtool strict = promtool(promtool, ours);
      assertEquals(0, strict.exit(), service.name() + ": promtool check metrics: " + strict.output());
      assertEquals(1.0, sum(scrape, "leakguard_service_ready", Map.of()), service.name() + " reports ready");
      assertTrue(scrape.contains("kafka_stream_"), service.name() + " has the Kafka Streams metrics");
    }
    assertEquals(Set.of("detector", "enricher", "remediator", "notifier"), scrapes.keySet());

    // Then the counters agree with the records on the topics (waiting for the last commits to be visible)
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<String, String> now = new HashMap<>();
      for (io.leakguard.runtime.StreamsService service : stack.services()) {
        now.put(service.name(), scrape(service.healthPort()));
      }
      List<RemediationOutcome> finals = readAll(TOPICS.remediationOutcomes().name(), "read_committed").stream()
          .map(r -> decoded(TOPICS.remediationOutcomes(), r)).filter(o -> o != null && FINAL.contains(o.getStatus()))
          .toList();
      assertTrue(finals.size() >= 3, "alice, bob and carol were remediated");
      String remediator = now.get("remediator");
      assertEquals(finals.size(), (long) sum(remediator, "leakguard_incidents_total", Map.of()));
      assertEquals(finals.stream().filter(o -> o.getStatus() == RemediationStatus.ROTATED).count(),
          (long) sum(remediator, "leakguard_incidents_total", Map.of("status", "rotated")));
      long neutralized = finals.stream().filter(o -> o.getTimeline().getNeutralizedAt() != null).count();
      assertEquals(neutralized, (long) sum(remediator, "leakguard_time_to_neutralization_seconds_count", Map.of()));
      assertEquals(neutralized, (long) sum(remediator, "leakguard_stage_latency_seconds_count",
          Map.of("stage", "enriched_neutralized")));
      List<NotificationOutcome> notifications = readAll(TOPICS.notificationOutcomes().name(), "read_committed")
          .stream().map(r -> decoded(TOPICS.notificationOutcomes(), r)).filter(java.util.Objects::nonNull).toList();
      long delivered = notifications.stream().flatMap(n -> n.getDeliveries().stream())
          .filter(io.leakguard.schemas.Delivery::getDelivered).count();
      long failed = notifications.stream().flatMap(n -> n.getDeliveries().stream()).filter(d -> !d.getDelivered())
          .count();
      assertTrue(delivered > 0);
      String notifier = now.get("notifier");
      assertEquals(delivered, (long) (sum(notifier, "leakguard_notifications_total", Map.of("result", "delivered"))
          + sum(notifier, "leakguard_notifications_total", Map.of("result", "digested"))));
      assertEquals(failed, (long) sum(notifier, "leakguard_notifications_total", Map.of("result", "failed")));
      assertEquals(notifications.size(), (long) sum(notifier, "leakguard_stage_latency_seconds_count",
          Map.of("stage", "neutralized_notified")) + notifications.stream()
          .filter(n -> n.getTimeline().getNeutralizedAt() == null).count());
      for (String service : List.of("detector", "enricher", "remediator", "notifier")) {
        int letters = readAll(TOPICS.deadLetters(service).name(), "read_committed").size();
        assertTrue(service.equals("detector") || letters > 0, service + " dead-lettered the garbage of test 2");
        assertEquals(letters, (long) sum(now.get(service), "leakguard_dead_letters_total",
            Map.of("service", service)), service + " dead letters");
      }
      long leaks = readAll(TOPICS.leaksDetected().name(), "read_committed").stream()
          .filter(r -> decoded(TOPICS.leaksDetected(), r) != null).count();
      assertEquals(leaks, (long) sum(now.get("detector"), "leakguard_stage_latency_seconds_count",
          Map.of("stage", "sighted_detected")), "leaks detected");
      assertTrue(sum(now.get("remediator"), "leakguard_cloud_calls_total", Map.of("result", "ok")) > 0);
      assertTrue(sum(now.get("enricher"), "leakguard_cloud_calls_total", Map.of("result", "ok")) > 0);
    });
  }

  /** Every status but the ones an incident passes through on its way to the end. */
  private static final Set<RemediationStatus> FINAL = Set.of(RemediationStatus.ROTATED,
      RemediationStatus.NEUTRALIZED, RemediationStatus.ESCALATED, RemediationStatus.REJECTED,
      RemediationStatus.FAILED, RemediationStatus.SKIPPED);

  /** A record's value, or null for the garbage test 2 wrote (which the services dead-lettered). */
  private static <V> V decoded(Topic<String, V> topic, ConsumerRecord<byte[], byte[]> record) {
    try {
      return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (org.apache.kafka.common.errors.SerializationException e) {
      return null;
    }
  }

  private record Promtool(int exit, String output) {}

  /** {@code promtool check metrics} on an exposition: its exit code and what it printed. */
  private static Promtool promtool(Path promtool, String exposition) throws Exception {
    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (var in = check.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Promtool(check.waitFor(), output);
  }

  private static java.util.Optional<Path> onPath(String command) {
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dirName, command);
      if (java.nio.file.Files.isExecutable(candidate)) {
        return java.util.Optional.of(candidate);
      }
    }
    return java.util.Optional.empty();
  }

  private static String scrape(int port) throws Exception {
    var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
    return response.body();
  }

  /** The sum of a sample's values over the series whose labels include {@code labels}. */
  private static double sum(String scrape, String name, Map<String, String> labels) {
    double total = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      if (labels.entrySet().stream().allMatch(l -> series.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
        total += Double.parseDouble(line.substring(space + 1));
      }
    }
    return total;
  }

  private static void leak(String location, String content) throws Exception {
    stack.leak(location, content);
  }

  /** Waits for the first value on a topic with the given key (any key when null). */
  private static <V> V awaitValue(Topic<String, V> topic, String key) {
    List<V> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.subscribe(List.of(topic.name()));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          String recordKey = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
          if (key == null || key.equals(recordKey)) {
            found.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
          }
        }
        return !found.isEmpty();
      });
    }
    return found.get(0);
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
    return stack.readAll(topic, isolation);
  }

  private static String currentSecretValue(String secretName) throws CloudException {
    CloudCaller root = new CloudCaller(settings(), new StaticCredentialsProvider(new BasicCredentials(rootId, rootSecret)));
    GetSecretValueRequest request = new GetSecretValueRequest();
    request.setSecretName(secretName);
    return root.call(Product.KMS, request).getSecretData();
  }

  private static CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  private static Properties producerProps() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("acks", "all");
    return props;
  }

  private static Properties consumerProps() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
