package io.leakguard.bridge.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.bridge.Feeder;
import io.leakguard.config.Settings;
import io.leakguard.runtime.Redactor;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.GithubAlertReference;
import io.leakguard.schemas.edge.GithubSecretScanningAlert;
import io.leakguard.schemas.serde.JsonSerde;
import io.leakguard.schemas.serde.RecordSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's {@code secret_scanning_alert} webhook, written to {@code <prefix>alerts.github}: {@code POST
 * /github/webhook} on {@code bridge.github.webhook.bind:port}. Answers, in this order:
 *
 * <ul>
 *   <li>404 for another path, 405 for another method, 413 for a body over {@value #MAX_BODY_BYTES} bytes;</li>
 *   <li>401 unless {@code X-Hub-Signature-256} is {@code sha256=} and the hex HMAC-SHA256 of the raw body under the
 *       webhook secret, compared in constant time
 *       (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries);</li>
 *   <li>200 to {@code ping}; 202 (accepted, nothing written) to any other event, and to the actions that are no new
 *       sighting ({@code resolved}, {@code assigned}, {@code unassigned}, the legacy {@code revoked}...): only
 *       {@value #ACTIONS_TEXT} are written;</li>
 *   <li>400 to a delivery without {@code X-GitHub-Delivery} or that is not a {@code secret_scanning_alert} document;</li>
 *   <li>for the rest: 200 once the record is acknowledged by every in-sync replica (idempotent producer,
 *       {@code acks=all}); 503 when it is not (or the alert's secret could not be fetched for a passing reason), so
 *       a redelivery from GitHub covers the failure; 200 without writing again to a delivery already written (a
 *       replay, see {@link DeliveryLog}); 409 to a delivery whose first copy is being written right now.</li>
 * </ul>
 *
 * <p>The record's key is the alert's {@code owner/repo#number}, so every delivery of one alert lands on one partition
 * in order; its value is the delivery's JSON as GitHub sent it, plus the REST alert's {@code secret} when a token
 * is configured and {@code bridge.github.webhook.fetch.secret} is on (the webhook carries no secret, and without one
 * the detector cannot tell which key leaked). Neither that secret nor the webhook secret is ever logged.
 *
 * <p>GitHub waits 10 seconds for an answer (https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks),
 * so the REST call and the write each have a few seconds. The JDK's HTTP server does not bound how long a client may
 * take to send its request: put the receiver behind an ingress or proxy that does.
 */
public final class GithubWebhookReceiver implements Feeder {

  public static final String PATH = "/github/webhook";
  static final int MAX_BODY_BYTES = 1 << 20;
  static final Set<String> ACTIONS = Set.of("created", "reopened", "publicly_leaked", "validated");
  static final String ACTIONS_TEXT = "created, reopened, publicly_leaked and validated";
  static final int REPLAY_CAPACITY = 100_000;
  private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Duration PRODUCE_TIMEOUT = Duration.ofSeconds(6);
  private static final Logger LOG = LoggerFactory.getLogger(GithubWebhookReceiver.class);

  private final String bind;
  private final int port;
  private final Supplier<String> secret;
  private final Topic<String, GithubSecretScanningAlert> topic;
  private final Producer<String, byte[]> producer;
  private final GithubApi api;
  private final DeliveryLog deliveries;
  private HttpServer server;
  private ExecutorService threads;

  /**
   * @param api the REST API to fetch each alert's secret from, or null to write deliveries as they come
   */
  GithubWebhookReceiver(String bind, int port, Supplier<String> secret, Topic<String, GithubSecretScanningAlert> topic,
      Producer<String, byte[]> producer, GithubApi api, DeliveryLog deliveries) {
    this.bind = bind;
    this.port = port;
    this.secret = secret;
    this.topic = topic;
    this.producer = producer;
    this.api = api;
    this.deliveries = deliveries;
  }

  /** The receiver, when {@code bridge.github.webhook.port} is not -1; it needs the webhook secret then. */
  public static Optional<Feeder> fromSettings(Settings settings, Map<String, String> env, TopicCatalog topics) {
    int port = settings.get(GithubOptions.WEBHOOK_PORT);
    if (port < 0) {
      return Optional.empty();
    }
    Supplier<String> secret = GithubOptions.webhookSecret(settings, env).orElseThrow(() ->
        new IllegalArgumentException(GithubOptions.WEBHOOK_PORT.key() + " is set, so the webhook secret is required: "
            + "set " + GithubOptions.WEBHOOK_SECRET_ENV + " or " + GithubOptions.WEBHOOK_SECRET_FILE.key()));
    GithubApi api = null;
    if (settings.get(GithubOptions.WEBHOOK_FETCH_SECRET)) {
      var token = GithubOptions.token(settings, env);
      if (token.isPresent()) {
        api = new GithubApi(GithubOptions.apiUrl(settings), token.get(), settings.get(GithubOptions.TIMEOUT));
      } else {
        LOG.warn("GitHub deliveries are written without their secret (no token): the detector cannot tell which key "
            + "leaked from them");
      }
    }
    return Optional.of(new GithubWebhookReceiver(settings.get(GithubOptions.WEBHOOK_BIND), port, secret,
        topics.githubAlerts(), producer(settings.kafka()), api,
        new DeliveryLog(REPLAY_CAPACITY, settings.get(GithubOptions.WEBHOOK_REPLAY_WINDOW), Clock.systemUTC())));
  }

  /** An idempotent producer with acks=all, whose every wait fits in GitHub's 10 seconds. */
  static Producer<String, byte[]> producer(Map<String, Object> kafka) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "leakguard-bridge-github-webhook");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000);
    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) PRODUCE_TIMEOUT.toMillis() - 1_000);
    return new KafkaProducer<>(props, new StringSerializer(), RecordSize.bounded(new ByteArraySerializer()));
  }

  @Override
  public String name() {
    return "github-webhook";
  }

  @Override
  public void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 64);
    threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "github-webhook");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("GitHub webhook receiver listening on {}:{}{}", bind, port(), PATH);
  }

  /** The port listened on (the chosen one when started with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(1);
      threads.shutdownNow();
    }
    producer.close(Duration.ofSeconds(5));
  }

  private record Answer(int status, String text) {}

  private void handle(HttpExchange exchange) {
    Answer answer;
    try {
      answer = answer(exchange);
    } catch (Exception e) {
      LOG.error("GitHub webhook: a delivery failed: {}", Redactor.describe(e));
      answer = new Answer(500, "internal error");
    }
    try {
      byte[] body = ("{\"status\":\"" + answer.text() + "\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      if (answer.status() == 405) {
        exchange.getResponseHeaders().set("Allow", "POST");
      }
      exchange.sendResponseHeaders(answer.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      LOG.debug("GitHub webhook: could not answer: {}", Redactor.describe(e));
    } finally {
      exchange.close();
    }
  }

  private Answer answer(HttpExchange exchange) throws Exception {
    if (!PATH.equals(exchange.getRequestURI().getPath())) {
      return new Answer(404, "not found");
    }
    if (!"POST".equals(exchange.getRequestMethod())) {
      return new Answer(405, "method not allowed");
    }
    byte[] body = readAtMost(exchange);
    if (body == null) {
      return new Answer(413, "body over " + MAX_BODY_BYTES + " bytes");
    }
    if (!signedBy(secret.get(), body, exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"))) {
      LOG.warn("GitHub webhook: refused a delivery with a missing or wrong X-Hub-Signature-256 from {}",
          exchange.getRemoteAddress().getAddress().getHostAddress());
      return new Answer(401, "bad signature");
    }
    String event = exchange.getRequestHeaders().getFirst("X-GitHub-Event");
    if ("ping".equals(event)) {
      return new Answer(200, "pong");
    }
    if (!"secret_scanning_alert".equals(event)) {
      return new Answer(202, "ignored: not a secret_scanning_alert event");
    }
    String delivery = exchange.getRequestHeaders().getFirst("X-GitHub-Delivery");
    if (delivery == null || !DELIVERY_ID.matcher(delivery).matches()) {
      return new Answer(400, "X-GitHub-Delivery is missing or not a delivery ID");
    }
    ObjectNode document;
    GithubSecretScanningAlert alert;
    try {
      JsonNode tree = JsonSerde.MAPPER.readTree(body);
      if (tree == null || !tree.isObject()) {
        return new Answer(400, "not a JSON object");
      }
      document = (ObjectNode) tree;
      alert = JsonSerde.MAPPER.treeToValue(document, GithubSecretScanningAlert.class);
    } catch (IOException | IllegalArgumentException e) {
      return new Answer(400, "not a secret_scanning_alert document");
    }
    String action = alert.action().toLowerCase(Locale.ROOT);
    if (!ACTIONS.contains(action)) {
      return new Answer(202, "ignored: action is no new sighting");
    }
    Optional<GithubAlertReference> reference = GithubAlertReference.of(
        alert.repository() == null ? null : alert.repository().fullName(), alert.alert().number());
    String key = reference.map(GithubAlertReference::toString).orElse("alert#" + alert.alert().number());
    switch (deliveries.begin(delivery)) {
      case WRITTEN:
        LOG.info("GitHub delivery {}: written already, ignored (a replay or a redelivery)", delivery);
        return new Answer(200, "duplicate: written already");
      case IN_FLIGHT:
        return new Answer(409, "this delivery is being written");
      default:
        break;
    }
    boolean written = false;
    try {
      if (api != null && reference.isPresent() && !document.path("alert").hasNonNull("secret")) {
        try {
          JsonNode rest = api.getAlert(reference.get());
          if (rest.hasNonNull("secret") && document.get("alert") instanceof ObjectNode alertNode) {
            alertNode.set("secret", rest.get("secret"));
          }
        } catch (GithubException e) {
          if (e.retryable()) {
            LOG.warn("GitHub delivery {}: {}; answered 503 for a redelivery", delivery, e.getMessage());
            return new Answer(503, "could not fetch the alert; redeliver later");
          }
          LOG.warn("GitHub delivery {}: {}; written without the secret", delivery, e.getMessage());
        } catch (IOException e) {
          LOG.warn("GitHub delivery {}: could not fetch the alert ({}); answered 503 for a redelivery", delivery,
              e.getClass().getSimpleName());
          return new Answer(503, "could not fetch the alert; redeliver later");
        }
      }
      byte[] value = JsonSerde.MAPPER.writeValueAsBytes(document);
      try {
        producer.send(new ProducerRecord<>(topic.name(), key, value))
            .get(PRODUCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (org.apache.kafka.common.errors.SerializationException e) {
        return new Answer(413, "the record would be over " + RecordSize.MAX_VALUE_BYTES + " bytes");
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        LOG.warn("GitHub delivery {}: not written to {} ({}); answered 503 for a redelivery", delivery, topic.name(),
            Redactor.describe(e));
        return new Answer(503, "not written; redeliver later");
      }
      written = true;
      deliveries.written(delivery);
      LOG.info("GitHub delivery {}: {} alert {} written to {}", delivery, action, key, topic.name());
      return new Answer(200, "written");
    } finally {
      if (!written) {
        deliveries.forget(delivery);
      }
    }
  }

  /**
   * The body, or null when it is over the limit. At most one byte past the limit is read, whatever
   * {@code Content-Length} says, so memory stays bounded; reading it (rather than refusing on the declared length
   * alone) lets a sender that is still writing its body read the 413.
   */
  private static byte[] readAtMost(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      return body.length > MAX_BODY_BYTES ? null : body;
    }
  }

  /** Whether {@code header} is {@code sha256=<hex HMAC-SHA256 of body under secret>}, compared in constant time. */
  static boolean signedBy(String secret, byte[] body, String header) throws GeneralSecurityException {
    if (header == null || !header.startsWith("sha256=")) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(header.substring("sha256=".length()).trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return MessageDigest.isEqual(mac.doFinal(body), given);
  }
}
