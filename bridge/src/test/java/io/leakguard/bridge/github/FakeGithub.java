package io.leakguard.bridge.github;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A local GitHub REST API: records every request (method, path, headers, body) and answers each
 * {@code METHOD path} from a script; an unscripted request is answered 599 so a test sees it. A script entry with
 * status 0 never answers (until {@link #close}), for timeouts.
 */
final class FakeGithub implements AutoCloseable {

  record Request(String method, String path, Headers headers, String body) {}

  record Reply(int status, String body, Map<String, String> headers) {
    static Reply of(int status, String body) {
      return new Reply(status, body, Map.of());
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Reply>> script = new ConcurrentHashMap<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private final HttpServer server;

  FakeGithub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().getRawPath();
      requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestHeaders(), body));
      Deque<Reply> replies = script.get(exchange.getRequestMethod() + " " + path);
      Reply reply;
      synchronized (this) {
        reply = replies == null || replies.isEmpty() ? Reply.of(599, "{}")
            : replies.size() > 1 ? replies.poll() : replies.peek();
      }
      if (reply.status() == 0) {
        try {
          released.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.close();
        return;
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  /** Answers {@code METHOD path} with these replies in turn (the last one repeats). */
  synchronized FakeGithub on(String method, String path, Reply... replies) {
    script.put(method + " " + path, new ArrayDeque<>(List.of(replies)));
    return this;
  }

  URI base(String prefix) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix);
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
