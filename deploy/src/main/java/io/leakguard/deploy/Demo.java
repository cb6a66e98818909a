package io.leakguard.deploy;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.schemas.EnumWords;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code leakguard demo}: starts the local stack, leaks one demo user's AccessKey through the raw-content topic (as a
 * committed {@code .env} file would be), follows the incident through every topic, prints its timeline and checks
 * against the emulator that the leaked key is gone and that KMS holds the replacement. Exit 0 only if every check
 * holds.
 */
final class Demo {

  private static final Duration INCIDENT_TIMEOUT = Duration.ofSeconds(60);
  private static final String USER = "alice";

  private final LocalStack stack;
  private final List<String> failures = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  private Demo(LocalStack stack) {
    this.stack = stack;
  }

  static int run(LocalStack.Options options) throws Exception {
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    List<String> bodies = new CopyOnWriteArrayList<>();
    webhook.createContext("/leakguard", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    webhook.start();
    String webhookUrl = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/leakguard";
    System.out.println("Starting the local stack (Kafka broker, Alibaba Cloud emulator, mail server, detector, "
        + "enricher, remediator, notifier, bridge, console)...");
    Instant started = Instant.now();
    try (LocalStack stack = LocalStack.start(options, Map.of("LEAKGUARD_NOTIFY_WEBHOOK_URL", webhookUrl))) {
      System.out.printf("Stack ready in %.1f s. Logs: %s%n", Duration.between(started, Instant.now()).toMillis() / 1000.0,
          stack.dir().resolve("logs"));
      System.out.printf("Console: %s (token in %s)%n%n", stack.consoleUrl(),
          stack.dir().resolve(LocalStack.CONSOLE_TOKEN_FILE));
      Demo demo = new Demo(stack);
      return demo.play(bodies);
    } catch (IllegalStateException e) {
      System.err.println("The local stack did not start: " + e.getMessage());
      return 1;
    } finally {
      webhook.stop(0);
    }
  }

  private int play(List<String> bodies) throws Exception {
    DemoFleet.Key leaked = stack.fleet().user(USER);
    TopicCatalog topics = stack.topics();
    System.out.println("Leaking RAM user " + USER + "'s AccessKey " + io.leakguard.schemas.KeyForms.mask(leaked.accessKeyId())
        + " in a committed .env file...");
    long injectedAt = inject(topics, leaked);

    RemediationOutcome outcome = null;
    NotificationOutcome notification = null;
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
      Topic<String, NotificationOutcome> notifications = topics.notificationOutcomes();
      consumer.subscribe(List.of(outcomes.name(), notifications.name()));
      Instant deadline = Instant.now().plus(INCIDENT_TIMEOUT);
      while (notification == null && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (!leaked.accessKeyId().equals(record.key())) {
            continue;
          }
          if (record.topic().equals(outcomes.name())) {
            outcome = outcomes.valueSerde().deserializer().deserialize(record.topic(), record.value());
          } else {
            notification = notifications.valueSerde().deserializer().deserialize(record.topic(), record.value());
          }
        }
      }
    }
    if (outcome == null || notification == null) {
      System.err.println("No " + (outcome == null ? "remediation outcome" : "notification") + " for the leak within "
          + INCIDENT_TIMEOUT.toSeconds() + " s; see the logs in " + stack.dir().resolve("logs"));
      return 1;
    }
    printTimeline(notification.getTimeline(), outcome, notification, injectedAt);
    check(outcome, leaked, bodies);
    if (failures.isEmpty()) {
      System.out.println("\nDemo passed: the leaked key was deleted "
          + (outcome.getTimeline().getNeutralizedAt().toEpochMilli() - injectedAt) + " ms after it was leaked.");
      return 0;
    }
    System.out.println("\nDemo FAILED: " + String.join("; ", failures));
    return 1;
  }

  private long inject(TopicCatalog topics, DemoFleet.Key leaked) throws Exception {
    Topic<String, RawContent> raw = topics.rawContent();
    String content = "# app settings, committed by mistake\nREGION=cn-hangzhou\nALIBABA_CLOUD_ACCESS_KEY_ID="
        + leaked.accessKeyId() + "\nALIBABA_CLOUD_ACCESS_KEY_SECRET=" + leaked.accessKeySecret() + "\n";
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, RawContent> producer = new KafkaProducer<>(props, raw.keySerde().serializer(),
        raw.valueSerde().serializer())) {
      RecordMetadata sent = producer.send(new ProducerRecord<>(raw.name(), "acme/app/.env",
          new RawContent("demo", "github.com/acme/app/.env", content, "demo-commit"))).get();
      return sent.timestamp();
    }
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "leakguard-demo-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static void printTimeline(Timeline timeline, RemediationOutcome outcome, NotificationOutcome notification,
      long injectedAt) {
    System.out.println();
    System.out.println("Incident " + outcome.getIncidentId());
    System.out.println("  key      " + outcome.getMaskedKey() + " of RAM user " + outcome.getOwner().getUserName()
        + " in account " + outcome.getOwner().getAccountId());
    System.out.println("  source   " + outcome.getSource().getType() + " " + outcome.getSource().getLocation()
        + " line " + outcome.getSource().getLine());
    System.out.println("  timeline (ms after the leak was written to the raw-content topic)");
    line(injectedAt, timeline.getSightedAt(), "sighted", "leak on " + "raw-content");
    line(injectedAt, timeline.getDetectedAt(), "detected", "leak-detected record, secret kept as a SHA-256 fingerprint only");
    line(injectedAt, timeline.getEnrichedAt(), "enriched", "owner, ActionTrail activity and severity attached");
    for (RemediationStep step : outcome.getSteps()) {
      line(injectedAt, step.getFinishedAt(), "  " + step.getName(), step.getOutcome() + " in "
          + (step.getFinishedAt().toEpochMilli() - step.getStartedAt().toEpochMilli()) + " ms: " + step.getDetail());
    }
    line(injectedAt, timeline.getNeutralizedAt(), "neutralized", "the leaked key no longer works");
    line(injectedAt, timeline.getRemediatedAt(), "remediated", outcome.getStatus() + " ("
        + (outcome.getRemediationStrategy() == null ? "no strategy" : EnumWords.word(outcome.getRemediationStrategy()))
        + "), new key " + outcome.getNewAccessKeyId() + " in KMS secret " + outcome.getKmsSecretName());
    line(injectedAt, timeline.getNotifiedAt(), "notified", notification.getDeliveries().stream()
        .map(d -> d.getChannel() + (d.getDelivered() ? "" : " (failed)")).toList().toString());
  }

  private static void line(long origin, Instant at, String stage, String detail) {
    String offset = at == null ? "-" : "+" + (at.toEpochMilli() - origin);
    System.out.printf("  %8s  %-20s %s%n", offset, stage, detail);
  }

  private void check(RemediationOutcome outcome, DemoFleet.Key leaked, List<String> bodies) throws Exception {
    System.out.println("\nChecks against the emulator");
    expect("the remediation rotated the key", outcome.getStatus().name().equals("ROTATED"), outcome.getReason());
    HttpResponse<String> keyState = admin("/admin/keys/" + leaked.accessKeyId());
    expect("the leaked key is deleted from RAM", keyState.statusCode() == 404, "HTTP " + keyState.statusCode());
    expect("a call signed with the leaked key is refused", refused(leaked), "the leaked key still works");
    JsonNode state = json.readTree(admin("/admin/state").body());
    List<String> aliceKeys = new ArrayList<>();
    state.path("keys").forEach(k -> {
      if (USER.equals(k.path("userName").asText())) {
        aliceKeys.add(k.path("accessKeyId").asText());
      }
    });
    expect("alice has exactly one key, the new one", aliceKeys.equals(List.of(String.valueOf(outcome.getNewAccessKeyId()))),
        "alice's keys: " + aliceKeys);
    String current = null;
    for (JsonNode secret : state.path("secrets")) {
      if (secret.path("secretName").asText().equals(outcome.getKmsSecretName())) {
        for (JsonNode version : secret.path("versions")) {
          if (version.path("stages").toString().contains("ACSCurrent")) {
            current = version.path("accessKeyId").asText();
          }
        }
      }
    }
    expect("KMS secret " + outcome.getKmsSecretName() + " holds the new key as ACSCurrent",
        outcome.getNewAccessKeyId() != null && outcome.getNewAccessKeyId().equals(current), "ACSCurrent holds " + current);
    expect("the webhook received the incident", bodies.stream().anyMatch(b -> b.contains(outcome.getIncidentId())),
        bodies.size() + " webhook calls");
    checkMail(outcome, leaked);
  }

  /** The owner's mailbox on the local mail server: one e-mail about the key, without its secret. */
  private void checkMail(RemediationOutcome outcome, DemoFleet.Key leaked) throws Exception {
    String address = DemoFleet.email(USER);
    LocalMail.Mailbox mailbox = stack.mailboxOf(address);
    List<LocalMailbox.Mail> mails = List.of();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      mails = stack.mailbox().messages(mailbox);
      if (!mails.isEmpty()) {
        break;
      }
      Thread.sleep(200); // polling a mailbox over IMAP: the server has no event to wait on
    }
    System.out.println("\nMail to " + address);
    mails.forEach(mail -> System.out.print(mail.summary(4).indent(2)));
    expect(USER + " received exactly one e-mail about her key", mails.size() == 1
        && (mails.get(0).raw().contains(outcome.getIncidentId()) || mails.get(0).text().contains(
            outcome.getMaskedKey())), mails.size() + " e-mails");
    expect("the e-mail holds no secret", mails.stream().noneMatch(m -> m.raw().contains(leaked.accessKeySecret())),
        "the leaked secret is in an e-mail");
  }

  private boolean refused(DemoFleet.Key leaked) {
    AlibabaCloud attacker = AlibabaCloud.with(
        CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(stack.emulatorEndpoint())),
        new StaticCredentialsProvider(new BasicCredentials(leaked.accessKeyId(), leaked.accessKeySecret())));
    try {
      attacker.sts().callerIdentity();
      return false;
    } catch (CloudException e) {
      return e.code().equals("InvalidAccessKeyId.NotFound");
    }
  }

  private HttpResponse<String> admin(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(stack.emulatorEndpoint() + path))
        .header("Authorization", "Bearer " + stack.adminToken()).build(), HttpResponse.BodyHandlers.ofString());
  }

  private void expect(String what, boolean holds, String otherwise) {
    System.out.println("  [" + (holds ? " ok " : "FAIL") + "] " + what + (holds ? "" : ": " + otherwise));
    if (!holds) {
      failures.add(what);
    }
  }
}
