package io.leakguard.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(2)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldAnswerWhileOtherClientsIdleOrTrickle() throws Exception {
    try (HealthServer server = new HealthServer("127.0.0.1", 0, () -> KafkaStreams.State.RUNNING, () -> true)) {
      // Given more idle and half-sent connections than the server has threads
      List<Socket> hogs = new ArrayList<>();
      for (int i = 0; i < HealthServer.THREADS + 4; i++) {
        Socket hog = new Socket("127.0.0.1", server.port());
        if (i % 2 == 0) {
          OutputStream out = hog.getOutputStream();
          out.write("GET /health/re".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        hogs.add(hog);
      }

      // When a prober asks while they stay connected, then it is answered: busy at worst, never held
      List<HttpResponse<String>> answers = new ArrayList<>();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        answers.add(get(server.port(), "/health/ready"));
        return answers.get(answers.size() - 1).statusCode() == 200;
      });
      assertTrue(answers.stream().allMatch(a -> a.statusCode() == 200 || a.statusCode() == 503));
      assertEquals("{\"state\":\"RUNNING\",\"broker\":\"reachable\"}", answers.get(answers.size() - 1).body());
      for (Socket hog : hogs) {
        hog.close();
      }
    }
  }

  @Test
  void shouldNotBeReadyWhileTheBrokerIsUnreachable() throws Exception {
    AtomicBoolean broker = new AtomicBoolean(false);
    try (HealthServer server = new HealthServer("127.0.0.1", 0, () -> KafkaStreams.State.RUNNING, broker::get)) {
      assertEquals(503, get(server.port(), "/health/ready").statusCode());
      assertEquals(200, get(server.port(), "/health/live").statusCode());
      broker.set(true);
      assertEquals(200, get(server.port(), "/health/ready").statusCode());
      assertEquals(404, get(server.port(), "/nope").statusCode());
    }
  }

  @Test
  void shouldServeTheServiceMetricsInThePrometheusTextFormat() throws Exception {
    // Given a service's registry with a dead letter counted
    Metrics metrics = Metrics.prometheus();
    metrics.registry().counter("leakguard.dead.letters", "service", "detector", "reason", "processing").increment();
    try (HealthServer server = new HealthServer("127.0.0.1", 0, () -> KafkaStreams.State.RUNNING, () -> true,
        metrics::scrape)) {
      // When /metrics is asked for
      HttpResponse<String> answer = get(server.port(), "/metrics");

      // Then it is the text exposition
      assertEquals(200, answer.statusCode());
      assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      assertTrue(answer.body().contains(
          "leakguard_dead_letters_total{reason=\"processing\",service=\"detector\"} 1.0"), answer.body());
    }
  }

  @Test
  void shouldAnswerNotFoundOnMetricsWhenTheyAreDisabled() throws Exception {
    try (HealthServer server = new HealthServer("127.0.0.1", 0, () -> KafkaStreams.State.RUNNING, () -> true,
        Metrics.none()::scrape)) {
      assertEquals(404, get(server.port(), "/metrics").statusCode());
    }
  }

  @Test
  void shouldSendALongScrapeWhole() throws Exception {
    // Given an exposition far larger than the socket buffers
    String big = "x_total 1\n".repeat(50_000);
    try (HealthServer server = new HealthServer("127.0.0.1", 0, () -> KafkaStreams.State.RUNNING, () -> true,
        () -> java.util.Optional.of(big))) {
      // When it is scraped, then every byte arrives
      assertEquals(big, get(server.port(), "/metrics").body());
    }
  }
}
