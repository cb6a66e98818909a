package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A local HTTP server standing in for a vendor: records each request and answers as the test tells it, or not at
 * all ({@link Reply#HANG}) until it is closed, to provoke a client timeout without sleeping.
 */
final class LocalReceiver implements AutoCloseable {

  record Request(String method, String path, String rawQuery, Headers headers, byte[] body) {

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The raw (still percent-encoded) value of a query parameter, or null. */
    String rawParameter(String name) {
      if (rawQuery == null) {
        return null;
      }
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return pair.substring(eq + 1);
        }
      }
      return null;
    }

    String parameter(String name) {
      String raw = rawParameter(name);
      return raw == null ? null : URLDecoder.decode(raw, StandardCharsets.UTF_8);
    }

    /** The request line's target, as a vendor would see it (and might echo it). */
    String target() {
      return path + (rawQuery == null ? "" : "?" + rawQuery);
    }
  }

  record Reply(int status, String body, Map<String, String> headers) {

    static final Reply HANG = new Reply(-1, "", Map.of());

    static Reply of(int status, String body) {
      return new Reply(status, body, Map.of());
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile Function<Request, Reply> responder = request -> Reply.of(200, "");

  private LocalReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(),
          exchange.getRequestBody().readAllBytes());
      requests.add(request);
      Reply reply = responder.apply(request);
      try {
        if (reply == Reply.HANG) {
          closed.await(30, TimeUnit.SECONDS);
          return;
        }
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
          exchange.getResponseBody().write(body);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        exchange.close();
      }
    });
    server.start();
  }

  static LocalReceiver start() throws IOException {
    return new LocalReceiver();
  }

  /** {@code http://127.0.0.1:<port>} */
  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void answer(int status, String body) {
    responder = request -> Reply.of(status, body);
  }

  void answer(Function<Request, Reply> responder) {
    this.responder = responder;
  }

  Request next() throws InterruptedException {
    Request request = requests.poll(5, TimeUnit.SECONDS);
    assertNotNull(request, "the channel sent nothing");
    return request;
  }

  /** An address nothing listens on: a port just bound and released. */
  static String unreachableBase() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  static Map<String, String> env(String... pairs) {
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }
}
