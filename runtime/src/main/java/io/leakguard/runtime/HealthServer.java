package io.leakguard.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /health/live}: 200 unless the service has failed. {@code GET /health/ready}: 200 only while Kafka
 * Streams is RUNNING and the broker answered recently (a rebalance or a lost broker makes it not ready). Both answer
 * {@code {"state":"RUNNING","broker":"reachable"}}. {@code GET /metrics}: the service's meters in the Prometheus text
 * format (404 when metrics are disabled).
 *
 * <p>A plain socket server rather than the JDK's HttpServer, so that no client can hold it: each connection is served
 * by its own thread of a small pool, must send its request line within {@value #REQUEST_TIMEOUT_MS} ms, and is closed
 * after one answer. A connection that idles, trickles or floods costs one thread for at most that long; when every
 * thread is busy a new connection is answered 503 at once instead of waiting.
 */
final class HealthServer implements AutoCloseable {

  static final int REQUEST_TIMEOUT_MS = 2_000;
  static final int THREADS = 8;
  private static final int MAX_REQUEST_LINE = 1024;
  private static final int MAX_DRAIN = 64 * 1024;
  /** The Prometheus text exposition format, version 0.0.4 (what Prometheus and promtool read). */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ServerSocket socket;
  private final Supplier<KafkaStreams.State> state;
  private final BooleanSupplier brokerReachable;
  private final Supplier<java.util.Optional<String>> metrics;
  private final ExecutorService connections;
  private final Thread acceptor;

  HealthServer(String bind, int port, Supplier<KafkaStreams.State> state, BooleanSupplier brokerReachable)
      throws IOException {
    this(bind, port, state, brokerReachable, java.util.Optional::empty);
  }

  HealthServer(String bind, int port, Supplier<KafkaStreams.State> state, BooleanSupplier brokerReachable,
      Supplier<java.util.Optional<String>> metrics) throws IOException {
    this.state = state;
    this.brokerReachable = brokerReachable;
    this.metrics = metrics;
    this.socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 64);
    AtomicInteger n = new AtomicInteger();
    this.connections = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "health-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.acceptor = new Thread(this::accept, "health-http-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      try {
        connections.execute(() -> serve(client));
      } catch (RejectedExecutionException e) {
        answerQuietly(client, 503, "{\"error\":\"busy\"}");
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(REQUEST_TIMEOUT_MS);
      String line = requestLine(client.getInputStream());
      if (line == null) {
        answer(client, 400, "{\"error\":\"no request line\"}");
        return;
      }
      String[] parts = line.split(" ");
      String path = parts.length >= 2 ? parts[1] : "";
      if (parts.length < 2 || !(parts[0].equals("GET") || parts[0].equals("HEAD"))) {
        answer(client, 405, "{\"error\":\"GET only\"}");
        return;
      }
      if (path.equals("/metrics")) {
        java.util.Optional<String> scrape = metrics.get();
        if (scrape.isPresent()) {
          answer(client, 200, PROMETHEUS_TEXT, scrape.get());
        } else {
          answer(client, 404, "{\"error\":\"metrics are disabled (metrics.enabled=false)\"}");
        }
        return;
      }
      KafkaStreams.State s = state.get();
      boolean broker = brokerReachable.getAsBoolean();
      String body = "{\"state\":\"" + s + "\",\"broker\":\"" + (broker ? "reachable" : "unreachable") + "\"}";
      switch (path) {
        case "/health/live" -> answer(client, alive(s) ? 200 : 503, body);
        case "/health/ready" -> answer(client, ready(s, broker) ? 200 : 503, body);
        default -> answer(client, 404, "{\"error\":\"not found\"}");
      }
    } catch (IOException e) {
      // The client went away or was too slow: nothing to answer.
    }
  }

  /** What {@code /health/ready} reports, and the {@code leakguard_service_ready} gauge. */
  static boolean ready(KafkaStreams.State s, boolean brokerReachable) {
    return s == KafkaStreams.State.RUNNING && brokerReachable;
  }

  private static boolean alive(KafkaStreams.State s) {
    return s != KafkaStreams.State.ERROR && s != KafkaStreams.State.NOT_RUNNING
        && s != KafkaStreams.State.PENDING_ERROR;
  }

  /** The first line of the request, bounded in length; the headers are not needed. */
  private static String requestLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (line.length() < MAX_REQUEST_LINE) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (c == '\n') {
        return line.toString().strip();
      }
      line.append((char) c);
    }
    return null;
  }

  private static void answer(Socket client, int status, String body) throws IOException {
    answer(client, status, "application/json", body);
  }

  private static void answer(Socket client, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\nContent-Type: " + contentType + "\r\n"
        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n";
    OutputStream out = client.getOutputStream();
    out.write(head.getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    // The request's headers were never read: closing with them unread would reset the connection and the client
    // would lose the end of a long answer (a scrape of a few hundred KB was cut at 128 KB). Half-close, then read what
    // the client sent until it closes (bounded by the socket's timeout and a byte budget).
    client.shutdownOutput();
    InputStream in = client.getInputStream();
    byte[] sink = new byte[4096];
    for (int total = 0, n; total < MAX_DRAIN && (n = in.read(sink)) >= 0; total += n) {
      // discard
    }
  }

  private static void answerQuietly(Socket client, int status, String body) {
    try (client) {
      client.setSoTimeout(100); // on the acceptor thread: the drain after the answer must not hold it
      answer(client, status, body);
    } catch (IOException e) {
      // nothing to do
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      default -> "Service Unavailable";
    };
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    connections.shutdownNow();
  }
}
