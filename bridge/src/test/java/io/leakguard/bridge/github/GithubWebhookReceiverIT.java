package io.leakguard.bridge.github;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.bridge.github.FakeGithub.Reply;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.GithubSecretScanningAlert;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.testkit.SyntheticKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook receiver over real HTTP, writing to a real broker. Deliveries are signed as GitHub signs them
 * (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries). What a refused delivery did
 * not write is shown by a last, valid delivery: the topic (one partition) holds exactly what came before it.
 */
class GithubWebhookReceiverIT {

  @TempDir
  static Path dir;
  static KafkaFixture broker;
  private static final AtomicInteger RUN = new AtomicInteger();

  private final String secret = SyntheticKeys.random(32);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaFixture.start(dir);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable each : opened) {
      each.close();
    }
  }

  /** A catalog of its own per test, with {@code alerts.github} created with one partition. */
  private TopicCatalog topics() throws Exception {
    TopicCatalog topics = new TopicCatalog("t" + RUN.incrementAndGet() + ".");
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topics.githubAlerts().name(), 1, (short) 1))).all().get();
    }
    return topics;
  }

  private GithubWebhookReceiver start(TopicCatalog topics, GithubApi api, Map<String, Object> kafka)
      throws Exception {
    GithubWebhookReceiver receiver = new GithubWebhookReceiver("127.0.0.1", 0, () -> secret, topics.githubAlerts(),
        GithubWebhookReceiver.producer(kafka), api, new DeliveryLog(1000, Duration.ofHours(1), Clock.systemUTC()));
    receiver.start();
    opened.add(receiver);
    return receiver;
  }

  private GithubWebhookReceiver start(TopicCatalog topics, GithubApi api) throws Exception {
    return start(topics, api, Map.of("bootstrap.servers", broker.bootstrapServers()));
  }

  static String sign(String key, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  private HttpResponse<String> post(GithubWebhookReceiver receiver, String path, String event, String delivery,
      byte[] body, String signature) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("User-Agent", "GitHub-Hookshot/test")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (event != null) {
      request.header("X-GitHub-Event", event);
    }
    if (delivery != null) {
      request.header("X-GitHub-Delivery", delivery);
    }
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> deliver(GithubWebhookReceiver receiver, String event, String delivery, String body)
      throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return post(receiver, GithubWebhookReceiver.PATH, event, delivery, bytes, sign(secret, bytes));
  }

  private static String alert(String action, long number, String secretValue) {
    return "{\"action\":\"" + action + "\",\"alert\":{\"number\":" + number + ",\"secret_type\":"
        + "\"alibaba_cloud_access_key_id\",\"html_url\":\"https://github.com/acme/app/security/secret-scanning/"
        + number + "\",\"validity\":\"active\"" + (secretValue == null ? "" : ",\"secret\":\"" + secretValue + "\"")
        + "},\"repository\":{\"full_name\":\"acme/app\"},\"sender\":{\"login\":\"octocat\"}}";
  }

  /** Every record of the topic up to and including the one keyed {@code last}. */
  private List<ConsumerRecord<String, GithubSecretScanningAlert>> readUpTo(Topic<String, GithubSecretScanningAlert> topic,
      String last) {
    List<ConsumerRecord<String, GithubSecretScanningAlert>> records = new ArrayList<>();
    try (var consumer = broker.committedReader(topic)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records.stream().anyMatch(r -> r.key().equals(last));
      });
    }
    return records;
  }

  @Test
  void shouldWriteASignedAlertOnceAcknowledgedAndIgnoreItsReplay() throws Exception {
    // Given a receiver
    TopicCatalog topics = topics();
    GithubWebhookReceiver receiver = start(topics, null);
    String delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    String id = SyntheticKeys.accessKeyId();

    // When GitHub delivers a new alert, and the same delivery comes again (a replay or a redelivery)
    HttpResponse<String> first = deliver(receiver, "secret_scanning_alert", delivery, alert("created", 7, id));
    HttpResponse<String> again = deliver(receiver, "secret_scanning_alert", delivery, alert("created", 7, id));
    HttpResponse<String> last = deliver(receiver, "secret_scanning_alert", "d-2", alert("publicly_leaked", 8, id));

    // Then the first is written and acknowledged, the replay is answered 200 without writing it again
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("{\"status\":\"written\"}", first.body());
    assertEquals(200, again.statusCode(), again.body());
    assertTrue(again.body().contains("duplicate"), again.body());
    assertEquals(200, last.statusCode(), last.body());
    var records = readUpTo(topics.githubAlerts(), "acme/app#8");
    assertEquals(List.of("acme/app#7", "acme/app#8"), records.stream().map(ConsumerRecord::key).toList());
    GithubSecretScanningAlert written = records.get(0).value();
    assertEquals("created", written.action());
    assertEquals(7, written.alert().number());
    assertEquals(id, written.alert().secret());
    assertEquals("acme/app", written.repository().fullName());
  }

  @Test
  void shouldRefuseUnsignedOversizedAndForeignRequestsAndAnswerOtherEvents() throws Exception {
    TopicCatalog topics = topics();
    GithubWebhookReceiver receiver = start(topics, null);
    byte[] body = alert("created", 1, SyntheticKeys.accessKeyId()).getBytes(StandardCharsets.UTF_8);
    byte[] huge = new byte[GithubWebhookReceiver.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    String path = GithubWebhookReceiver.PATH;

    // Missing, wrong (another secret), malformed and body-mismatched signatures: 401
    assertEquals(401, post(receiver, path, "secret_scanning_alert", "d-1", body, null).statusCode());
    assertEquals(401, post(receiver, path, "secret_scanning_alert", "d-2", body,
        sign(SyntheticKeys.random(32), body)).statusCode());
    assertEquals(401, post(receiver, path, "secret_scanning_alert", "d-3", body, "sha256=zz").statusCode());
    assertEquals(401, post(receiver, path, "secret_scanning_alert", "d-4", body,
        sign(secret, "{}".getBytes(StandardCharsets.UTF_8))).statusCode());
    // Over the size limit: 413, before any signature check
    assertEquals(413, post(receiver, path, "secret_scanning_alert", "d-5", huge, sign(secret, huge)).statusCode());
    // Another path: 404
    assertEquals(404, post(receiver, "/github/webhookx", "secret_scanning_alert", "d-6", body, sign(secret, body))
        .statusCode());
    // ping: 200; another event: 202; an action that is no new sighting: 202; no delivery ID: 400
    HttpResponse<String> ping = deliver(receiver, "ping", "d-7", "{\"zen\":\"Keep it logically awesome.\"}");
    assertEquals(200, ping.statusCode());
    assertEquals(202, deliver(receiver, "push", "d-8", "{\"ref\":\"refs/heads/main\"}").statusCode());
    assertEquals(202, deliver(receiver, "secret_scanning_alert", "d-9", alert("resolved", 2, null)).statusCode());
    assertEquals(400, deliver(receiver, "secret_scanning_alert", null, alert("created", 3, null)).statusCode());
    assertEquals(400, deliver(receiver, "secret_scanning_alert", "d-10", "{\"alert\":{\"number\":4}}").statusCode());
    // A GET: 405
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + receiver.port()
        + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, get.statusCode());

    // Then nothing of it was written: the topic holds only the last, valid delivery
    assertEquals(200, deliver(receiver, "secret_scanning_alert", "d-11", alert("reopened", 5, null)).statusCode());
    assertEquals(List.of("acme/app#5"), readUpTo(topics.githubAlerts(), "acme/app#5").stream()
        .map(ConsumerRecord::key).toList());
  }

  @Test
  void shouldAddTheAlertsSecretFromTheRestApi() throws Exception {
    // Given a GitHub API that knows alert 9's secret, and a token allowed to read it
    String token = SyntheticKeys.random(40);
    String id = SyntheticKeys.accessKeyId();
    try (FakeGithub github = new FakeGithub()) {
      github.on("GET", "/repos/acme/app/secret-scanning/alerts/9",
          Reply.of(200, "{\"number\":9,\"state\":\"open\",\"secret\":\"" + id + "\"}"));
      TopicCatalog topics = topics();
      GithubWebhookReceiver receiver = start(topics, new GithubApi(github.base(""), () -> token,
          Duration.ofSeconds(5)));

      // When the webhook (which carries no secret) arrives
      assertEquals(200, deliver(receiver, "secret_scanning_alert", "d-1", alert("created", 9, null)).statusCode());

      // Then the record carries the REST alert's secret, fetched with the token
      var records = readUpTo(topics.githubAlerts(), "acme/app#9");
      assertEquals(id, records.get(0).value().alert().secret());
      assertEquals(1, github.requests.size());
      assertEquals(List.of("Bearer " + token), github.requests.get(0).headers().get("Authorization"));
    }
  }

  @Test
  void shouldAnswer503WhenTheRecordIsNotAcknowledgedSoARedeliveryIsWritten() throws Exception {
    // Given a receiver whose broker cannot be reached
    TopicCatalog topics = new TopicCatalog("unreachable.");
    DeliveryLog deliveries = new DeliveryLog(10, Duration.ofHours(1), Clock.systemUTC());
    GithubWebhookReceiver receiver = new GithubWebhookReceiver("127.0.0.1", 0, () -> secret, topics.githubAlerts(),
        GithubWebhookReceiver.producer(Map.of("bootstrap.servers", "127.0.0.1:1", "max.block.ms", 500)), null,
        deliveries);
    receiver.start();
    opened.add(receiver);

    // When a delivery comes
    HttpResponse<String> answer = deliver(receiver, "secret_scanning_alert", "d-1", alert("created", 1, null));

    // Then GitHub is told to try again, and the delivery is not remembered, so its redelivery will be written
    assertEquals(503, answer.statusCode(), answer.body());
    assertEquals(0, deliveries.size());
    assertFalse(answer.body().contains(secret));
  }
}
