package io.leakguard.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium (Debian's {@code chromium} package, or {@code LEAKGUARD_CHROMIUM}) driven over the Chrome
 * DevTools Protocol with the JDK's WebSocket client: one page, its commands answered by id, its events kept.
 * Playwright is not used: its Java driver downloads its own browsers from outside the package registries.
 */
public final class Chromium implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final ObjectMapper json = new ObjectMapper();
  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  public final List<JsonNode> events = new CopyOnWriteArrayList<>();

  /** The browser's executable, when one is installed. */
  public static Optional<Path> executable() {
    String configured = System.getenv("LEAKGUARD_CHROMIUM");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts the browser and attaches to its page. A Chromium that has not opened its DevTools endpoint within
   * {@link #START_PATIENCE} (seen on a loaded two-core CI machine) is killed and started once more with a fresh
   * profile; when that fails too, the exception carries the tail of the browser's stderr.
   */
  public Chromium(Path executable, Path profile) throws Exception {
    Started first = start(executable, profile);
    if (first.browserUrl == null) {
      first.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Path retry = Files.createTempDirectory(profile.getParent(), profile.getFileName() + "-retry");
      Started second = start(executable, retry);
      if (second.browserUrl == null) {
        second.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("chromium did not open its DevTools endpoint within "
            + START_PATIENCE.toSeconds() + " s, twice; its stderr ended with:\n" + String.join("\n", second.tail)
            + "\n(first attempt:)\n" + String.join("\n", first.tail));
      }
      first = second;
    }
    process = first.process;
    try {
      socket = attach(first.browserUrl);
    } catch (Exception | Error e) {
      process.destroyForcibly();
      throw e;
    }
  }

  static final Duration START_PATIENCE = Duration.ofSeconds(90);
  private static final int TAIL_LINES = 20;

  private record Started(Process process, String browserUrl, List<String> tail) { }

  private static Started start(Path executable, Path profile) throws Exception {
    Process process = new ProcessBuilder(executable.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-sync", "--disable-component-update",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
        "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    java.util.Deque<String> tail = new java.util.ArrayDeque<>();
    CompletableFuture<String> listening = new CompletableFuture<>();
    // One reader for the browser's whole life: it finds the endpoint, keeps the last lines, and keeps draining
    // stderr afterwards so that the browser never blocks on a full pipe.
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = err.readLine()) != null; ) {
          if (!listening.isDone()) {
            synchronized (tail) {
              tail.addLast(line);
              if (tail.size() > TAIL_LINES) {
                tail.removeFirst();
              }
            }
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
              listening.complete(m.group(1));
            }
          }
        }
      } catch (java.io.IOException e) {
        // the browser went away
      }
      listening.complete(null);
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    String url;
    try {
      url = listening.get(START_PATIENCE.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      url = null;
    }
    synchronized (tail) {
      List<String> lines = List.copyOf(tail);
      if (url == null && !process.isAlive()) {
        lines = new java.util.ArrayList<>(lines);
        lines.add("(exited with " + process.exitValue() + ")");
      }
      return new Started(process, url, lines);
    }
  }

  private WebSocket attach(String browserUrl) throws Exception {
    URI browser = URI.create(browserUrl);
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets = json.readTree(http.send(HttpRequest.newBuilder(
        URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    String pageUrl = null;
    for (JsonNode target : targets) {
      if (target.path("type").asText().equals("page")) {
        pageUrl = target.path("webSocketDebuggerUrl").asText();
        break;
      }
    }
    if (pageUrl == null) {
      throw new IllegalStateException("chromium has no page: " + targets);
    }
    return http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          received(text.toString());
          text.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    }).get(30, TimeUnit.SECONDS);
  }

  private void received(String message) {
    try {
      JsonNode node = json.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> waiting = pending.remove(node.get("id").asInt());
        if (waiting != null) {
          waiting.complete(node);
        }
      } else {
        events.add(node);
      }
    } catch (java.io.IOException e) {
      // not JSON: ignored
    }
  }

  /** Sends a command and waits for its result; an error answer is an exception. */
  public JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    ObjectNode command = json.createObjectNode();
    command.put("id", id);
    command.put("method", method);
    command.set("params", json.valueToTree(params));
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    socket.sendText(json.writeValueAsString(command), true).get(10, TimeUnit.SECONDS);
    JsonNode result = answer.get(30, TimeUnit.SECONDS);
    if (result.has("error")) {
      throw new IllegalStateException(method + ": " + result.get("error"));
    }
    return result.path("result");
  }

  /** Evaluates script in the page (promises awaited) and returns its value. */
  public JsonNode eval(String expression) throws Exception {
    JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "awaitPromise", true,
        "returnByValue", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** {@code value} as a script string literal (a JSON string is one). */
  public static String quote(String value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static Duration patience() {
    return Duration.ofSeconds(60);
  }
}
