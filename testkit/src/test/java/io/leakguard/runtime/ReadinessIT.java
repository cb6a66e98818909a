package io.leakguard.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leakguard.broker.EmbeddedKafkaBroker;
import io.leakguard.config.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness follows the broker: Streams stays RUNNING while its brokers are gone, the health endpoint does not. */
class ReadinessIT {

  @TempDir
  Path dir;

  @Test
  void shouldTurnNotReadyWhenTheBrokerIsLostAndReadyWhenItReturns() throws Exception {
    Path data = dir.resolve("kafka");
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data);
    StreamsServiceIT.EchoService definition = new StreamsServiceIT.EchoService();
    Settings settings = ServiceMain.loader(definition).load(Map.of(), List.of(
        "--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--topic.prefix=ready.", "--topics.partitions=1",
        "--state.dir=" + dir.resolve("state"), "--health.port=0", "--health.bind=127.0.0.1"));
    try (StreamsService service = StreamsService.start(definition, settings)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> ready(service.healthPort()) == 200);

      // When the broker goes away, readiness turns false while the service stays alive
      broker.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> ready(service.healthPort()) == 503);
      assertEquals(200, status(service.healthPort(), "live"));
      assertEquals(KafkaStreams.State.RUNNING, service.state(), "Streams itself does not notice");

      // And when the broker is back on its data directory, the service is ready again
      broker = EmbeddedKafkaBroker.start(data);
      await().atMost(Duration.ofSeconds(60)).until(() -> ready(service.healthPort()) == 200);
    } finally {
      broker.close();
    }
  }

  private static int ready(int port) {
    return status(port, "ready");
  }

  private static int status(int port, String probe) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/health/" + probe)).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
