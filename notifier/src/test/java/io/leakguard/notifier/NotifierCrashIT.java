package io.leakguard.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.testkit.SyntheticKeys;
import jakarta.mail.internet.MimeMessage;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier's exactly-once delivery under SIGKILL, counted at the receivers: the notifier runs as its own JVM,
 * sending every outcome to its owner by e-mail (a real SMTP server, GreenMail) and to the security team by a signed
 * webhook and by e-mail, and is killed with {@code Process.destroyForcibly()} at random moments, then restarted on the
 * same state directory. A fifth of the outcomes arrive twice. At the end {@code notification.outcomes} has one record
 * per incident, every message reached its receiver, and no message was received twice unless a kill interrupted its
 * sending: a message the receiver had taken (SMTP commits before its 250, a webhook acts before it answers) while
 * the notifier died is sent again after the restart with the same delivery ID ({@code Message-ID},
 * {@code X-LeakGuard-Delivery}), since nothing can tell the notifier it arrived. The test checks each repeat against
 * the killed notifiers' logs ({@code sending} without {@code sent}) and counts them. The webhook answers after
 * 15 ms, so that kills land while deliveries are in flight.
 *
 * <p>A second phase, without kills, paces outcomes and measures the time from an outcome's write to its e-mail in
 * the mailbox. {@code -Dcrash.kills=N}, {@code -Dcrash.seed=S} tune the test.
 */
class NotifierCrashIT {

  private static final int INCIDENTS = 240;
  /** The notifier's delivery workers ({@code notify.delivery.workers}' default). */
  private static final int WORKERS = 8;
  private static final int LATENCY_SAMPLES = 60;
  private static final TopicCatalog TOPICS = new TopicCatalog("ncrash.");
  private static final String SECURITY = "security@example.com";

  @TempDir
  Path dir;

  private final Map<String, Integer> webhookCalls = new ConcurrentHashMap<>();

  @Test
  void shouldDeliverEachMessageExactlyOnceWhenTheNotifierIsKilledAtRandomMoments() throws Exception {
    int kills = Integer.getInteger("crash.kills", 5);
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("NotifierCrashIT: random seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);
    String webhookSecret = SyntheticKeys.random(32);
    GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    mail.start();
    HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    webhook.createContext("/hook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      String delivery = exchange.getRequestHeaders().getFirst("X-LeakGuard-Delivery");
      try {
        Thread.sleep(15); // the receiver's own latency: deliveries are in flight when the notifier is killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      webhookCalls.merge(String.valueOf(delivery), 1, Integer::sum);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    webhook.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    webhook.start();
    try (KafkaFixture broker = KafkaFixture.start(dir.resolve("kafka"))) {
      Path routing = dir.resolve("routing.json");
      Files.writeString(routing, """
          {"channels": {"mail": {"type": "email", "host": "127.0.0.1", "port": %d, "security": "none",
                                 "from": "LeakGuard <leakguard@example.com>"},
                        "soc": {"type": "webhook", "url": "http://127.0.0.1:%d/hook", "secretEnv": "SOC_SECRET"}},
           "ownerChannel": "mail",
           "securityTeam": [{"channel": "soc"}, {"channel": "mail", "email": "%s"}]}
          """.formatted(mail.getSmtp().getPort(), webhook.getAddress().getPort(), SECURITY));
      int healthPort = freePort();
      List<String> args = List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(),
          "--topic.prefix=ncrash.", "--topics.partitions=4", "--state.dir=" + dir.resolve("state"),
          "--health.port=" + healthPort, "--health.bind=127.0.0.1", "--notify.routing.file=" + routing,
          "--notify.digest.threshold=0", "--notify.delivery.backoff=50ms");
      Map<String, String> env = Map.of("SOC_SECRET", webhookSecret);

      // When the notifier runs, the outcomes arrive (a fifth twice), and it is killed at random moments
      Process notifier = start(args, env, 0);
      awaitReady(healthPort, notifier);
      List<RemediationOutcome> outcomes = produce(broker, random);
      for (int kill = 1; kill <= kills; kill++) {
        int before = mail.getReceivedMessages().length;
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(90)).until(() -> mail.getReceivedMessages().length > before
            || mail.getReceivedMessages().length >= 2 * INCIDENTS);
        Thread.sleep(random.nextInt(800)); // the point is a random moment in the middle of deliveries
        notifier.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        System.out.printf("notifier crash test: kill -9 #%d after %d e-mails and %d webhook calls%n", kill,
            mail.getReceivedMessages().length, webhookCalls.values().stream().mapToInt(Integer::intValue).sum());
        notifier = start(args, env, kill);
        awaitReady(healthPort, notifier);
      }

      // Then every incident is announced once, and each receiver got each message once
      Map<String, List<NotificationOutcome>> notifications = new HashMap<>();
      try (KafkaConsumer<String, NotificationOutcome> consumer = broker.committedReader(TOPICS.notificationOutcomes())) {
        consumer.subscribe(List.of(TOPICS.notificationOutcomes().name()));
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(180)).until(() -> {
          for (ConsumerRecord<String, NotificationOutcome> r : consumer.poll(Duration.ofMillis(200))) {
            notifications.computeIfAbsent(r.value().getIncidentId(), k -> new ArrayList<>()).add(r.value());
          }
          return notifications.size() == INCIDENTS;
        });
        for (int i = 0; i < 5; i++) {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> notifications.computeIfAbsent(
              r.value().getIncidentId(), k -> new ArrayList<>()).add(r.value()));
        }
      }
      Map<String, Integer> mails = new HashMap<>();
      for (MimeMessage message : mail.getReceivedMessages()) {
        mails.merge(message.getHeader("X-LeakGuard-Delivery", null), 1, Integer::sum);
      }
      int duplicatedMails = (int) mails.values().stream().filter(c -> c > 1).count();
      int duplicatedCalls = (int) webhookCalls.values().stream().filter(c -> c > 1).count();
      System.out.printf("notifier crash test: %d incidents (%d outcomes with duplicates), %d kills with SIGKILL; "
              + "%d e-mails received (%d distinct, %d duplicated), %d webhook calls (%d distinct, %d duplicated), "
              + "%d notification outcomes%n", INCIDENTS, outcomes.size(), kills, mail.getReceivedMessages().length,
          mails.size(), duplicatedMails, webhookCalls.values().stream().mapToInt(Integer::intValue).sum(),
          webhookCalls.size(), duplicatedCalls, notifications.values().stream().mapToInt(List::size).sum());
      mails.forEach((k, c) -> {
        if (c > 1) {
          System.out.println("notifier crash test: e-mail received " + c + " times: " + k);
        }
      });
      webhookCalls.forEach((k, c) -> {
        if (c > 1) {
          System.out.println("notifier crash test: webhook call received " + c + " times: " + k);
        }
      });
      assertEquals(INCIDENTS, notifications.size());
      notifications.forEach((incident, list) -> assertEquals(1, list.size(), "notification outcomes of " + incident));
      notifications.values().forEach(list -> assertTrue(list.get(0).getDeliveries().stream()
          .allMatch(io.leakguard.schemas.Delivery::getDelivered), list.get(0).toString()));
      assertEquals(2 * INCIDENTS, mails.size(), "one e-mail to each owner and one to the security team per incident");
      assertEquals(INCIDENTS, webhookCalls.size(), "every incident's webhook delivery arrived");
      // A webhook request in flight when the notifier dies has reached the receiver, which goes on handling it (here
      // for 15 ms) while nobody waits for its answer: the notifier cannot know, and sends it again after the restart,
      // with the same X-LeakGuard-Delivery. A receiver that rejects repeated delivery IDs (README) acts on it once.
      // Such repeats are bounded by the requests in flight at the kills: at most the delivery workers, per kill.
      int repeats = webhookCalls.values().stream().mapToInt(c -> c - 1).sum();
      assertTrue(repeats <= kills * WORKERS, repeats + " repeated webhook requests after " + kills + " kills");
      // The same holds for e-mail, whose server commits a message before it answers 250: whatever a receiver got
      // twice was being sent (logged "sending", not yet "sent") by a notifier at the moment it was killed.
      Set<String> inFlightAtKills = new HashSet<>();
      for (int run = 0; run < kills; run++) {
        inFlightAtKills.addAll(inFlight(dir.resolve("notifier-" + run + ".log")));
      }
      List<String> repeatedNotInFlight = new ArrayList<>();
      mails.forEach((id, count) -> {
        if (count > 1 && !inFlightAtKills.contains(id)) {
          repeatedNotInFlight.add(id);
        }
      });
      webhookCalls.forEach((id, count) -> {
        if (count > 1 && !inFlightAtKills.contains(id)) {
          repeatedNotInFlight.add(id);
        }
      });
      System.out.printf("notifier crash test: %d deliveries were in flight at the kills; %d e-mails and %d webhook "
          + "calls were received again, all of them among those%n", inFlightAtKills.size(), duplicatedMails,
          duplicatedCalls);
      assertEquals(List.of(), repeatedNotInFlight, "received twice though no kill interrupted their sending");

      // And, without kills, the time from an outcome to its e-mail in the mailbox
      List<Long> latencies = latencies(broker, mail);
      System.out.printf("notifier crash test: outcome written to e-mail in the mailbox, %d samples: p50 %d ms, p99 "
          + "%d ms, max %d ms%n", latencies.size(), percentile(latencies, 50), percentile(latencies, 99),
          latencies.get(latencies.size() - 1));
      notifier.destroy();
      notifier.waitFor(40, TimeUnit.SECONDS);
    } finally {
      webhook.stop(0);
      mail.stop();
    }
  }

  private List<RemediationOutcome> produce(KafkaFixture broker, Random random) {
    List<RemediationOutcome> sent = new ArrayList<>();
    try (KafkaProducer<String, RemediationOutcome> producer = producer(broker)) {
      for (int i = 0; i < INCIDENTS; i++) {
        RemediationOutcome outcome = outcome("crash-" + i, "user" + i + "@example.com");
        producer.send(new ProducerRecord<>(TOPICS.remediationOutcomes().name(), outcome.getAccessKeyId(), outcome));
        sent.add(outcome);
        if (random.nextInt(5) == 0) {
          producer.send(new ProducerRecord<>(TOPICS.remediationOutcomes().name(), outcome.getAccessKeyId(),
              outcome));
          sent.add(outcome);
        }
      }
      producer.flush();
    }
    return sent;
  }

  /** Outcomes one at a time, 100 ms apart; for each, the wall time until its owner's e-mail is in GreenMail. */
  private List<Long> latencies(KafkaFixture broker, GreenMail mail) throws Exception {
    List<Long> latencies = new ArrayList<>();
    try (KafkaProducer<String, RemediationOutcome> producer = producer(broker)) {
      for (int i = 0; i < LATENCY_SAMPLES; i++) {
        String owner = "latency" + i + "@example.com";
        RemediationOutcome outcome = outcome("latency-" + i, owner);
        long written = System.nanoTime();
        producer.send(new ProducerRecord<>(TOPICS.remediationOutcomes().name(), outcome.getAccessKeyId(), outcome))
            .get();
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(2)).until(() -> received(mail, owner));
        latencies.add((System.nanoTime() - written) / 1_000_000);
      }
    }
    latencies.sort(null);
    return latencies;
  }

  private static boolean received(GreenMail mail, String address) throws Exception {
    for (MimeMessage message : mail.getReceivedMessages()) {
      if (message.getAllRecipients()[0].toString().equals(address)) {
        return true;
      }
    }
    return false;
  }

  /** The deliveries a killed notifier had started ("sending") and not finished ("sent", "already sent"). */
  private static Set<String> inFlight(Path log) throws Exception {
    Set<String> started = new HashSet<>();
    for (String line : Files.readAllLines(log)) {
      int sending = line.indexOf(" - sending ");
      int sent = line.indexOf(" - sent ");
      int already = line.indexOf(" - already sent ");
      if (sending >= 0) {
        started.add(line.substring(sending + 11, line.lastIndexOf(" (attempt")));
      } else if (sent >= 0) {
        started.remove(line.substring(sent + 8));
      } else if (already >= 0) {
        started.remove(line.substring(already + 16));
      }
    }
    return started;
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static RemediationOutcome outcome(String incident, String email) {
    RemediationOutcome rotated = Outcomes.rotated(incident, SyntheticKeys.accessKeyId(), SyntheticKeys.accessKeyId(),
        Instant.now());
    return RemediationOutcome.newBuilder(rotated).setOwnerKind(OwnerKind.RAM_USER)
        .setOwner(Owner.newBuilder(rotated.getOwner()).setEmail(email).build()).build();
  }

  private static KafkaProducer<String, RemediationOutcome> producer(KafkaFixture broker) {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("acks", "all");
    return new KafkaProducer<>(props, TOPICS.remediationOutcomes().keySerde().serializer(),
        TOPICS.remediationOutcomes().valueSerde().serializer());
  }

  private Process start(List<String> args, Map<String, String> env, int run) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path logback = dir.resolve("logback.xml");
    Files.writeString(logback, """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
          </appender>
          <logger name="io.leakguard.notifier.Deliverer" level="DEBUG"/>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """);
    // C1 only, as the local stack's JVMs: a process killed within seconds never earns back C2's compiling.
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
        NotifierApp.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("notifier-" + run + ".log").toFile());
    builder.environment().putAll(env);
    return builder.start();
  }

  private static void awaitReady(int port, Process process) {
    HttpClient http = HttpClient.newHttpClient();
    await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("the notifier exited with " + process.exitValue());
      }
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
