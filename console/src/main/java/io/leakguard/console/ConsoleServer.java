package io.leakguard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.Decision;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP side: the page ({@code /}, its script and style, no authentication: they hold no data), and the
 * API, every call of which needs {@code Authorization: Bearer TOKEN} (401 otherwise).
 *
 * <ul>
 *   <li>{@code GET /api/incidents?status=&account=&source=&since=&limit=&offset=}: a page of summaries, newest
 *       first ({@link IncidentQuery}).</li>
 *   <li>{@code GET /api/incidents/ID}: the incident's detail ({@link IncidentViews#detail}).</li>
 *   <li>{@code GET /api/events}: Server-Sent Events, one {@code change} event per record the console indexes.</li>
 *   <li>{@code POST /api/incidents/ID/approve} and {@code .../reject}, body {@code {"comment":"..."}}: writes the
 *       {@link ApprovalDecision} with the token's identity as {@code decidedBy}; 409 unless the incident awaits a
 *       decision.</li>
 * </ul>
 *
 * <p>Why a cross-site request cannot approve: a browser attaches cookies and HTTP authentication to a cross-site
 * request by itself, but never an {@code Authorization: Bearer} header: only script of the console's own origin, which
 * holds the token in its session storage, can set it (the same-origin policy keeps the storage from other sites, and
 * CORS is not enabled, so another site's script cannot send a request with that header). The console uses no
 * cookies. On top of that, a POST must be {@code Content-Type: application/json} (a cross-site form cannot send it
 * without a CORS preflight, which is refused), its {@code Origin}, when sent, must be the console's own, and its
 * {@code Sec-Fetch-Site}, when sent, must be {@code same-origin} or {@code none}.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  static final int MAX_BODY = 4096;
  static final int MAX_COMMENT = 500;
  private static final long KEEPALIVE_SECONDS = 15;
  private static final Pattern DETAIL = Pattern.compile("/api/incidents/([A-Za-z0-9._:-]{1,128})");
  private static final Pattern DECIDE = Pattern.compile("/api/incidents/([A-Za-z0-9._:-]{1,128})/(approve|reject)");
  private static final Map<String, String> STATIC = Map.of("/", "index.html", "/index.html", "index.html",
      "/app.js", "app.js", "/app.css", "app.css");
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

  private final ObjectMapper json = new ObjectMapper();
  private final String bind;
  private final int port;
  private final ConsoleTokens tokens;
  private final IncidentViews views;
  private final EventHub events;
  private final ApprovalDecisions decisions;
  private final String allowedOrigin;
  private final Clock clock;
  private HttpServer server;
  private ExecutorService threads;
  private volatile boolean running;

  ConsoleServer(String bind, int port, ConsoleTokens tokens, IncidentViews views, EventHub events,
      ApprovalDecisions decisions, String allowedOrigin, Clock clock) {
    this.bind = bind;
    this.port = port;
    this.tokens = tokens;
    this.views = views;
    this.events = events;
    this.decisions = decisions;
    this.allowedOrigin = allowedOrigin == null || allowedOrigin.isBlank() ? null : allowedOrigin.strip();
    this.clock = clock;
  }

  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bind), port), 64);
    // Each event stream holds a thread (at most EventHub.MAX_SUBSCRIBERS); the rest serve the other calls.
    threads = Executors.newFixedThreadPool(EventHub.MAX_SUBSCRIBERS + 16, r -> {
      Thread t = new Thread(r, "console-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    running = true;
    server.start();
    LOG.info("console listening on http://{}:{}/", bind, port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (!path.startsWith("/api/")) {
        servePage(exchange, method, path);
        return;
      }
      Optional<String> identity = tokens.identify(exchange.getRequestHeaders().getFirst("Authorization"));
      if (identity.isEmpty()) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"leakguard-console\"");
        error(exchange, 401, "a valid Authorization: Bearer token is required");
        return;
      }
      try {
        route(exchange, method, path, identity.get());
      } catch (IncidentData.Unavailable e) {
        error(exchange, 503, e.getMessage());
      } catch (IllegalArgumentException e) {
        error(exchange, 400, e.getMessage());
      }
    } catch (IOException e) {
      // The client went away: nothing to answer.
    } catch (RuntimeException e) {
      LOG.warn("console request failed: {}", e.toString());
    }
  }

  private void route(HttpExchange exchange, String method, String path, String identity) throws IOException {
    Matcher decide = DECIDE.matcher(path);
    Matcher detail = DETAIL.matcher(path);
    if (decide.matches()) {
      if (!method.equals("POST")) {
        error(exchange, 405, "POST only");
        return;
      }
      decide(exchange, decide.group(1), decide.group(2).equals("approve") ? Decision.APPROVE : Decision.REJECT,
          identity);
    } else if (!method.equals("GET")) {
      error(exchange, 405, "GET only");
    } else if (path.equals("/api/incidents")) {
      send(exchange, 200, views.list(IncidentQuery.parse(query(exchange.getRequestURI()), clock)));
    } else if (detail.matches()) {
      Optional<ObjectNode> found = views.detail(detail.group(1));
      if (found.isPresent()) {
        send(exchange, 200, found.get());
      } else {
        error(exchange, 404, "no incident " + detail.group(1));
      }
    } else if (path.equals("/api/events")) {
      stream(exchange);
    } else {
      error(exchange, 404, "not found");
    }
  }

  private void decide(HttpExchange exchange, String incidentId, Decision decision, String identity)
      throws IOException {
    String refusal = crossSiteRefusal(exchange);
    if (refusal != null) {
      LOG.warn("console refused a {} of {}: {}", decision, incidentId, refusal);
      error(exchange, 403, refusal);
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).strip().matches("application/json(\\s*;.*)?")) {
      error(exchange, 415, "Content-Type must be application/json");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      error(exchange, 413, "the body is larger than " + MAX_BODY + " bytes");
      return;
    }
    String comment = null;
    if (body.length > 0) {
      JsonNode request;
      try {
        request = json.readTree(body);
      } catch (IOException e) {
        error(exchange, 400, "the body is not JSON");
        return;
      }
      if (request == null || !request.isObject()) {
        error(exchange, 400, "the body must be a JSON object");
        return;
      }
      JsonNode c = request.path("comment");
      if (!c.isMissingNode() && !c.isNull()) {
        if (!c.isTextual() || c.asText().length() > MAX_COMMENT) {
          error(exchange, 400, "comment must be a text of at most " + MAX_COMMENT + " characters");
          return;
        }
        comment = c.asText();
      }
    }
    Optional<Boolean> awaiting = views.awaitingDecision(incidentId);
    if (awaiting.isEmpty()) {
      error(exchange, 404, "no incident " + incidentId);
      return;
    }
    if (!awaiting.get()) {
      error(exchange, 409, "incident " + incidentId + " is not waiting for a decision");
      return;
    }
    ApprovalDecision record = ApprovalDecisions.of(incidentId, decision, identity, comment, clock.instant());
    try {
      decisions.send(record);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn("console could not write the decision on {}: {}", incidentId, e.toString());
      error(exchange, 503, "the decision could not be written to Kafka; try again");
      return;
    }
    LOG.info("{} {} incident {} from the console", identity, decision == Decision.APPROVE ? "approved" : "rejected",
        incidentId);
    send(exchange, 202, (ObjectNode) AvroJson.of(record));
  }

  /** Why a state-changing request looks cross-site, or null when it does not. */
  private String crossSiteRefusal(HttpExchange exchange) {
    String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "a " + site + " request may not change anything (Sec-Fetch-Site)";
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin == null) {
      return null; // not a browser, or a same-origin GET-like request of an old browser; the token is required anyway
    }
    if (allowedOrigin != null && origin.equals(allowedOrigin)) {
      return null;
    }
    String host = exchange.getRequestHeaders().getFirst("Host");
    try {
      URI uri = new URI(origin);
      String authority = uri.getRawAuthority();
      if (host != null && authority != null && authority.equalsIgnoreCase(host)
          && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return null;
      }
    } catch (java.net.URISyntaxException e) {
      // a malformed Origin is refused below
    }
    return "Origin " + origin + " is not the console's own";
  }

  private void stream(HttpExchange exchange) throws IOException {
    EventHub.Subscription subscription = events.subscribe();
    if (subscription == null) {
      error(exchange, 503, "too many open event streams");
      return;
    }
    try (subscription) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      out.write("retry: 2000\n: connected\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (running) {
        Change change = subscription.next(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        String frame;
        if (change == null) {
          frame = ": keepalive\n\n";
        } else if (change.status() == null) {
          frame = "event: resync\ndata: {}\n\n";
        } else {
          ObjectNode data = json.createObjectNode();
          data.put("kind", change.kind().name());
          data.put("incidentId", change.incidentId());
          data.put("status", change.status());
          frame = "event: change\ndata: " + json.writeValueAsString(data) + "\n\n";
        }
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void servePage(HttpExchange exchange, String method, String path) throws IOException {
    String file = STATIC.get(path);
    if (file == null) {
      error(exchange, 404, "not found");
      return;
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      error(exchange, 405, "GET only");
      return;
    }
    byte[] bytes;
    try (InputStream in = ConsoleServer.class.getResourceAsStream("web/" + file)) {
      if (in == null) {
        error(exchange, 404, "not found");
        return;
      }
      bytes = in.readAllBytes();
    }
    String type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css" : "text/html";
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
    exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
    if (method.equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> parameters = new HashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      parameters.putIfAbsent(name, value);
    }
    return parameters;
  }

  private void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void error(HttpExchange exchange, int status, String message) throws IOException {
    ObjectNode body = json.createObjectNode();
    body.put("error", message);
    send(exchange, status, body);
  }

  @Override
  public void close() {
    running = false;
    if (server != null) {
      server.stop(0);
    }
    if (threads != null) {
      threads.shutdownNow();
    }
  }
}
