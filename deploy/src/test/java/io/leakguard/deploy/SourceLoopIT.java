package io.leakguard.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.kms.model.v20160120.GetSecretValueRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.bridge.BridgeApp;
import io.leakguard.bridge.github.GithubWebhookReceiver;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudCaller;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.Product;
import io.leakguard.cloud.SecurityCenterGateway;
import io.leakguard.detector.DetectorApp;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.KeyView;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.notifier.NotifierApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.StreamsService;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Closing the loop at the source, end to end on a real broker, the emulator over real HTTP and GitHub's REST API
 * faked over real HTTP: the bridge feeds an alert in, the detector, enricher and remediator rotate the key, and the
 * bridge closes the very alert that reported it.
 *
 * <ul>
 *   <li>Security Center: a key marked exposed in the emulator gets a pending leak record; the bridge's poller writes it
 *       to {@code alerts.security-center}; the incident ends ROTATED; the record then lists as {@code dealed} through
 *       the real API ({@code DescribeAccesskeyLeakList}, signed by the account's root key) and the emulator's admin
 *       API, with the incident in its remark.</li>
 *   <li>GitHub: a signed {@code secret_scanning_alert} delivery to the bridge's receiver; the receiver fetches the REST
 *       alert (its {@code secret} is the leaked key's ID) from a local GitHub; the incident ends ROTATED; the local
 *       GitHub gets exactly one {@code PATCH} resolving the alert as {@code revoked}, naming the incident.</li>
 *   <li>No secret (the leaked ones, the new ones in KMS, the GitHub token, the webhook secret, the emulator's admin
 *       token) is in any topic or in any log line, LeakGuard's DEBUG lines included.</li>
 * </ul>
 *
 * Every service, the bridge included, has its own RRSA role with its document of {@code deploy/ram/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SourceLoopIT {

  private static final String PREFIX = "loop.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String REPOSITORY = "acme/payments";
  private static final long ALERT = 42;
  private static final String ALERT_PATH = "/repos/" + REPOSITORY + "/secret-scanning/alerts/" + ALERT;

  @TempDir
  static Path dir;
  static PipelineStack stack;
  static KafkaFixture broker;
  static Emulator emulator;
  static LocalGithub github;
  static int webhookPort;
  static Level leakguardLevel;

  static final String account = SyntheticKeys.accountId();
  static final String rootId = SyntheticKeys.accessKeyId();
  static final String rootSecret = SyntheticKeys.secret();
  /** Reported by Security Center. */
  static final String[] alice = {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
  /** Reported by GitHub secret scanning. */
  static final String[] dave = {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
  /** A GitHub App installation token's shape. */
  static final String githubToken = "ghs_" + SyntheticKeys.random(36);
  static final String webhookSecret = SyntheticKeys.random(40);
  static final Set<String> secretsThatMustNotLeak = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void startEverything() throws Exception {
    secretsThatMustNotLeak.addAll(List.of(alice[1], dave[1], rootSecret, githubToken, webhookSecret));
    // LeakGuard's DEBUG lines are checked for secrets too (the bridge's retries and the GitHub calls log at DEBUG).
    ch.qos.logback.classic.Logger leakguard = ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger("io.leakguard");
    leakguardLevel = leakguard.getLevel();
    leakguard.setLevel(Level.DEBUG);

    TestFleet.Account fleet = TestFleet.account(account).alias("loop").rootKey(rootId, rootSecret)
        .policy("LeakGuardRemediator", DemoFleet.policy("remediator"))
        .policy("LeakGuardEnricher", DemoFleet.policy("enricher"))
        .policy("LeakGuardBridge", DemoFleet.policy("bridge"))
        .user("alice", u -> u.email("alice@example.com").key(alice[0], alice[1]))
        .user("dave", u -> u.email("dave@example.com").key(dave[0], dave[1]));
    stack = PipelineStack.startRrsa(dir, PREFIX, fleet, Map.of("enricher", "LeakGuardEnricher",
        "remediator", "LeakGuardRemediator", "bridge", "LeakGuardBridge"));
    broker = stack.broker();
    emulator = stack.emulator();
    secretsThatMustNotLeak.add(emulator.adminToken());
    github = new LocalGithub(githubToken);

    stack.start(new DetectorApp(), stack.cloudArgs());
    stack.start(new EnricherApp(), stack.cloudArgs());
    // No remediation policy file: a Security Center record or a GitHub alert of the key-ID type carries the ID
    // alone, so the sighting is NOT_PROBED, which RemediationProcessor.untouchedReason does not hold back (only a
    // probe that proved the secret wrong, SECRET_WRONG, is an ID-only exposure under idOnly: notify). The built-in
    // policy rotates these keys; an "idOnly": "rotate" rule would change nothing here.
    stack.start(new RemediatorApp(), stack.cloudArgs());
    stack.start(new NotifierApp());
    List<String> bridgeArgs = new ArrayList<>(List.of(stack.cloudArgs()));
    bridgeArgs.addAll(List.of(
        "--bridge.sas.enabled=true", "--bridge.sas.poll.interval=1s",
        "--bridge.github.api.url=" + github.base(),
        "--bridge.github.token.file=" + ownerOnlyFile("github.token", githubToken),
        "--bridge.github.webhook.port=0", "--bridge.github.webhook.bind=127.0.0.1",
        "--bridge.github.webhook.secret.file=" + ownerOnlyFile("github-webhook.secret", webhookSecret)));
    StreamsService bridge = stack.start(new BridgeApp(), bridgeArgs.toArray(String[]::new));
    List<GithubWebhookReceiver> receivers = bridge.resources(GithubWebhookReceiver.class);
    assertEquals(1, receivers.size(), "the bridge runs one webhook receiver");
    webhookPort = receivers.get(0).port();
    stack.awaitRunning(WAIT);
  }

  @AfterAll
  static void stopEverything() {
    if (stack != null) {
      stack.close();
    }
    if (github != null) {
      github.close();
    }
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.leakguard").setLevel(leakguardLevel);
  }

  @Test
  @Order(1)
  void shouldMarkTheSecurityCenterRecordHandledOnceItsKeyIsRotated() throws Exception {
    // Given Security Center finds alice's key in public (the emulator records a pending leak in her account)
    HttpResponse<String> exposed = admin("POST", "/admin/keys/" + alice[0] + "/exposed",
        "{\"exposed\":true,\"source\":\"GitHub\",\"url\":\"https://github.com/acme/site/blob/main/config.js\"}");
    assertEquals(200, exposed.statusCode(), exposed.body());
    long recordId = leakRecords().stream().filter(l -> alice[0].equals(l.path("accessKeyId").asText()))
        .findFirst().orElseThrow().path("id").asLong();

    // Then the bridge's poller writes the record, in alice's account
    SecurityCenterLeakRecord record = awaitValue(TOPICS.securityCenterAlerts(), alice[0]);
    assertEquals(recordId, record.id());
    assertEquals(account, record.accountId());

    // And the pipeline rotates the key from it
    RemediationOutcome outcome = awaitValue(TOPICS.remediationOutcomes(), alice[0]);
    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertEquals(LeakSourceType.SECURITY_CENTER, outcome.getSource().getType());
    assertTrue(emulator.state().key(alice[0]).isEmpty(), "the leaked key is deleted");
    collectNewSecret(outcome, "alice");

    // And the record is handled: listed as dealed by the real API, signed by an identity that may list it
    SecurityCenterGateway sas = root().securityCenter();
    await().atMost(WAIT).until(() -> sas.leaks(SecurityCenterGateway.Status.DEALED, null, 1, 100).leaks().stream()
        .anyMatch(l -> l.id() == recordId && alice[0].equals(l.accessKeyId())));
    assertTrue(sas.leaks(SecurityCenterGateway.Status.PENDING, null, 1, 100).leaks().stream()
        .noneMatch(l -> l.id() == recordId), "the record is no longer pending");
    // And the emulator's admin view agrees, with the incident in the remark
    JsonNode handled = leakRecords().stream().filter(l -> l.path("id").asLong() == recordId).findFirst().orElseThrow();
    assertEquals("dealed", handled.path("status").asText());
    assertEquals("manual", handled.path("dealType").asText());
    assertTrue(handled.path("remark").asText().contains(outcome.getIncidentId()), handled.path("remark").asText());
    // And it was marked handled by the bridge's own RRSA role session
    JsonNode deal = stack.events(5_000).stream()
        .filter(e -> "ModifyAccessKeyLeakDeal".equals(e.path("eventName").asText())
            && Long.toString(recordId).equals(e.path("requestParameters").path("Id").asText()))
        .findFirst().orElseThrow(() -> new AssertionError("no ModifyAccessKeyLeakDeal of the record in the trail"));
    assertEquals("", deal.path("errorCode").asText());
    assertEquals("assumed-role", deal.path("userIdentity").path("type").asText());
    assertEquals("leakguard-bridge:leakguard-bridge", deal.path("userIdentity").path("userName").asText());
  }

  @Test
  @Order(2)
  void shouldResolveTheGithubAlertAsRevokedOnceItsKeyIsRotated() throws Exception {
    // Given GitHub's REST alert for dave's key: the ID is the alert's secret (type alibaba_cloud_access_key_id)
    github.alert(JSON.createObjectNode().put("number", ALERT).put("state", "open")
        .put("secret_type", "alibaba_cloud_access_key_id").put("secret", dave[0])
        .put("html_url", "https://github.com/" + REPOSITORY + "/security/secret-scanning/" + ALERT).toString());

    // When GitHub delivers the signed secret_scanning_alert created event (which carries no secret)
    ObjectNode delivery = JSON.createObjectNode().put("action", "created");
    delivery.putObject("alert").put("number", ALERT).put("secret_type", "alibaba_cloud_access_key_id")
        .put("secret_type_display_name", "Alibaba Cloud AccessKey ID").put("validity", "active")
        .put("html_url", "https://github.com/" + REPOSITORY + "/security/secret-scanning/" + ALERT);
    delivery.putObject("repository").put("full_name", REPOSITORY);
    delivery.putObject("sender").put("login", "octocat");
    HttpResponse<String> answer = deliver(delivery.toString(), "6f2c1b3e-0d4a-11f0-8a5e-2b7c9d1e4f60");

    // Then the receiver wrote it, having fetched the alert with the token
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(1, github.requests("GET").size());
    assertEquals("Bearer " + githubToken, github.requests("GET").get(0).authorization());

    // And the pipeline rotates dave's key from it
    RemediationOutcome outcome = awaitValue(TOPICS.remediationOutcomes(), dave[0]);
    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertEquals(LeakSourceType.GITHUB, outcome.getSource().getType());
    assertEquals(REPOSITORY + "#" + ALERT, outcome.getSource().getReference());
    assertTrue(emulator.state().key(dave[0]).isEmpty(), "the leaked key is deleted");
    collectNewSecret(outcome, "dave");

    // And the alert is resolved as revoked, once (held for a few seconds: a second PATCH would show), naming the
    // incident
    await().atMost(WAIT).until(() -> !github.requests("PATCH").isEmpty());
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> github.requests("PATCH").size() == 1);
    LocalGithub.Request patch = github.requests("PATCH").get(0);
    assertEquals(ALERT_PATH, patch.path());
    assertEquals("Bearer " + githubToken, patch.authorization());
    JsonNode body = JSON.readTree(patch.body());
    assertEquals("resolved", body.path("state").asText());
    assertEquals("revoked", body.path("resolution").asText());
    assertTrue(body.path("resolution_comment").asText().contains(outcome.getIncidentId()),
        body.path("resolution_comment").asText());
    assertTrue(stack.allRunning());
  }

  @Test
  @Order(3)
  void shouldNeverWriteASecretOrTheBridgesCredentialsToAnyTopicOrLog() throws Exception {
    assertTrue(secretsThatMustNotLeak.size() >= 8, "the new secrets were collected");
    // Every topic, the edge topics included: raw-content carries leaks by nature (PipelineIT skips it; nothing is
    // written to it here), while the alerts written here carry key IDs only, never a secret, token or webhook secret.
    assertTrue(stack.readAll(TOPICS.githubAlerts().name(), "read_uncommitted").size() > 0
        && stack.readAll(TOPICS.securityCenterAlerts().name(), "read_uncommitted").size() > 0);
    int records = stack.assertNoSecretInTopics(secretsThatMustNotLeak, Set.of(TOPICS.rawContent().name()));
    assertTrue(records > 10, "only " + records + " records were read");

    List<ILoggingEvent> events = new ArrayList<>(stack.logLines());
    assertTrue(events.stream().anyMatch(e -> e.getLoggerName().startsWith("io.leakguard.bridge")),
        "the bridge's lines were captured");
    for (ILoggingEvent event : events) {
      String line = PipelineStack.logLine(event);
      for (String secret : secretsThatMustNotLeak) {
        assertFalse(line.contains(secret), "a secret is in a log line of " + event.getLoggerName());
      }
    }
  }

  /** The new key's secret, from KMS, is a secret that must not leak either; the user has exactly the new key. */
  private static void collectNewSecret(RemediationOutcome outcome, String user) throws Exception {
    String newKey = outcome.getNewAccessKeyId();
    assertNotNull(newKey);
    assertEquals(List.of(newKey), emulator.state().snapshot().keys().stream()
        .filter(k -> user.equals(k.userName())).map(KeyView::accessKeyId).toList());
    GetSecretValueRequest request = new GetSecretValueRequest();
    request.setSecretName(outcome.getKmsSecretName());
    JsonNode secretData = JSON.readTree(rootCaller().call(Product.KMS, request).getSecretData());
    assertEquals(newKey, secretData.path("AccessKeyId").asText());
    secretsThatMustNotLeak.add(secretData.path("AccessKeySecret").asText());
  }

  private static HttpResponse<String> deliver(String body, String deliveryId) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(webhookSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + webhookPort + GithubWebhookReceiver.PATH))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").header("User-Agent", "GitHub-Hookshot/loop")
        .header("X-GitHub-Event", "secret_scanning_alert").header("X-GitHub-Delivery", deliveryId)
        .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes)))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.endpoint() + path))
        .header("Authorization", "Bearer " + emulator.adminToken()).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Security Center's records of the account, through the emulator's admin API. */
  private static List<JsonNode> leakRecords() throws Exception {
    HttpResponse<String> response = admin("GET", "/admin/security-center/leaks?accountId=" + account, null);
    assertEquals(200, response.statusCode(), response.body());
    List<JsonNode> leaks = new ArrayList<>();
    JSON.readTree(response.body()).path("securityCenterLeaks").forEach(leaks::add);
    return leaks;
  }

  private static String ownerOnlyFile(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content + "\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file.toString();
  }

  private static CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  private static CloudCaller rootCaller() {
    return new CloudCaller(settings(), new StaticCredentialsProvider(new BasicCredentials(rootId, rootSecret)));
  }

  private static AlibabaCloud root() {
    return AlibabaCloud.with(settings(), new StaticCredentialsProvider(new BasicCredentials(rootId, rootSecret)));
  }

  /** Waits for the first value on a topic with the given key. */
  private static <V> V awaitValue(Topic<String, V> topic, String key) {
    List<V> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic.name()));
      await().atMost(WAIT).until(() -> {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (record.key() != null && key.equals(new String(record.key(), StandardCharsets.UTF_8))) {
            found.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
          }
        }
        return !found.isEmpty();
      });
    }
    return found.get(0);
  }

  private static Properties consumerProps() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "loop-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  /**
   * GitHub's REST API for one alert, on loopback: {@code GET} answers the alert, {@code PATCH} resolves it and answers
   * the resolved alert; anything else, or a request without the token, is answered as GitHub would (404, 401). Every
   * request is recorded.
   */
  static final class LocalGithub implements AutoCloseable {

    record Request(String method, String path, String authorization, String body) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile String alert = "{}";

    LocalGithub(String token) throws Exception {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.setExecutor(Executors.newFixedThreadPool(2));
      server.createContext("/", exchange -> {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(method, path, authorization, body));
        int status;
        String answer;
        if (!("Bearer " + token).equals(authorization)) {
          status = 401;
          answer = "{\"message\":\"Bad credentials\"}";
        } else if (!ALERT_PATH.equals(path)) {
          status = 404;
          answer = "{\"message\":\"Not Found\"}";
        } else if (method.equals("GET")) {
          status = 200;
          answer = alert;
        } else if (method.equals("PATCH")) {
          JsonNode change = JSON.readTree(body);
          status = 200;
          answer = ((ObjectNode) JSON.readTree(alert))
              .put("state", change.path("state").asText())
              .put("resolution", change.path("resolution").asText())
              .put("resolution_comment", change.path("resolution_comment").asText()).toString();
        } else {
          status = 404;
          answer = "{\"message\":\"Not Found\"}";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
    }

    String base() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void alert(String json) {
      alert = json;
    }

    List<Request> requests(String method) {
      return requests.stream().filter(r -> r.method().equals(method)).toList();
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }
}
