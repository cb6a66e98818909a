package io.leakguard.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /health/live}: 200 unless the service has failed. {@code GET /health/ready}: 200 only while Kafka
 * Streams is RUNNING (a rebalance makes it briefly not ready). Both answer {@code {"state":"RUNNING"}}.
 */
final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  HealthServer(String bind, int port, Supplier<KafkaStreams.State> state) throws IOException {
    server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "health-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/health/live", exchange -> {
      KafkaStreams.State s = state.get();
      boolean alive = s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING
          && s != KafkaStreams.State.PENDING_ERROR;
      answer(exchange, alive ? 200 : 503, s);
    });
    server.createContext("/health/ready", exchange -> {
      KafkaStreams.State s = state.get();
      answer(exchange, s == KafkaStreams.State.RUNNING ? 200 : 503, s);
    });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int status, KafkaStreams.State state) throws IOException {
    byte[] body = ("{\"state\":\"" + state + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
