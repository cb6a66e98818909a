package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin JSON API under {@code /admin/}. Every call needs {@code Authorization: Bearer <admin token>}.
 *
 * <pre>
 * POST   /admin/fleet                  seed from fleet JSON in the body (idempotent)
 * POST   /admin/fleet/load             {"file": "..."}: seed from a fleet file on the emulator's machine
 * GET    /admin/state                  accounts, users, keys, roles, policies, secrets, sessions (no secrets)
 * DELETE /admin/state                  forget everything
 * POST   /admin/state/save             {"file": "..."} (optional when started with a state file)
 * POST   /admin/state/load             {"file": "..."} replaces the state
 * GET    /admin/keys/{id}              one key, or 404
 * POST   /admin/keys/{id}/exposed      {"exposed": true|false} (default true): restrictive protection; marking a
 *                                      key exposed also records a pending Security Center leak in its account,
 *                                      described by the optional "source", "url", "githubUser", "githubRepoName",
 *                                      "githubFileName", "githubFileType"
 * POST   /admin/security-center/leaks  {"accessKeyId": "...", "accountId": "..." (optional for a live key), and the
 *                                      same optional fields}: records a leak without touching the key
 * GET    /admin/security-center/leaks  every leak record (?accountId=)
 * GET    /admin/events                 the audit trail, newest first (?accessKeyId=&amp;limit=)
 * GET    /admin/faults                 the fault configuration in force
 * PUT    /admin/faults                 replace it
 * DELETE /admin/faults                 back to defaults
 * </pre>
 */
final class AdminHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final int MAX_BODY_BYTES = 16 << 20;

    private record Reply(int status, Object body) {
    }

    private static final class AdminError extends RuntimeException {
        private final int status;

        AdminError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final Emulator emulator;
    private final byte[] token;
    private final Path defaultStateFile;

    AdminHandler(Emulator emulator, String adminToken, Path defaultStateFile) {
        this.emulator = emulator;
        this.token = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
        this.defaultStateFile = defaultStateFile;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = authorized(exchange) ? route(exchange)
                        : new Reply(401, error("missing or wrong admin token (Authorization: Bearer <token>)"));
            } catch (AdminError e) {
                reply = new Reply(e.status, error(e.getMessage()));
            } catch (IllegalArgumentException e) {
                reply = new Reply(400, error(e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("admin call {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                reply = new Reply(500, error("internal error: " + e.getClass().getSimpleName()));
            }
            LOG.info("admin {} {} -> {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), reply.status());
            byte[] bytes = Json.bytes(reply.body());
            exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
            if (reply.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            }
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Constant-time comparison of the whole header, so timing reveals nothing about the token. */
    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && MessageDigest.isEqual(token, header.getBytes(StandardCharsets.UTF_8));
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        List<String> parts = List.of(path.substring("/admin/".length()).split("/"));
        String first = parts.get(0);
        return switch (first) {
            case "fleet" -> fleet(exchange, method, parts);
            case "state" -> state(exchange, method, parts);
            case "keys" -> keys(exchange, method, parts);
            case "security-center" -> securityCenter(exchange, method, parts);
            case "events" -> {
                expect(method, "GET", parts, 1);
                yield new Reply(200, events(exchange));
            }
            case "faults" -> faults(exchange, method, parts);
            default -> throw new AdminError(404, "no admin call at " + path);
        };
    }

    /** {@code POST /admin/fleet} with the fleet as body, or {@code POST /admin/fleet/load} naming a file. */
    private Reply fleet(HttpExchange exchange, String method, List<String> parts) throws IOException {
        if (parts.size() == 1) {
            expect(method, "POST", parts, 1);
            emulator.state().seed(Fleet.parse(body(exchange)));
            return new Reply(200, Map.of("status", "seeded"));
        }
        expect(method, "POST", parts, 2);
        if (!parts.get(1).equals("load")) {
            throw new AdminError(404, "no admin call at /admin/fleet/" + parts.get(1));
        }
        JsonNode request = readTree(body(exchange));
        if (!request.path("file").isTextual()) {
            throw new IllegalArgumentException("give {\"file\": \"<fleet JSON file>\"}");
        }
        Path file = Path.of(request.path("file").asText());
        try {
            emulator.state().seed(StateFiles.load(file));
        } catch (NoSuchFileException e) {
            throw new AdminError(404, "no fleet file at " + file);
        }
        return new Reply(200, Map.of("status", "seeded", "file", file.toString()));
    }

    private Reply state(HttpExchange exchange, String method, List<String> parts) throws IOException {
        if (parts.size() == 1) {
            if (method.equals("GET")) {
                return new Reply(200, emulator.state().snapshot());
            }
            if (method.equals("DELETE")) {
                emulator.state().restore(new Fleet(List.of()));
                return new Reply(200, Map.of("status", "cleared"));
            }
            throw new AdminError(405, method + " is not allowed on /admin/state");
        }
        expect(method, "POST", parts, 2);
        Path file = stateFile(exchange);
        switch (parts.get(1)) {
            case "save" -> emulator.saveState(file);
            case "load" -> {
                try {
                    emulator.loadState(file);
                } catch (NoSuchFileException e) {
                    throw new AdminError(404, "no state file at " + file);
                }
            }
            default -> throw new AdminError(404, "no admin call at /admin/state/" + parts.get(1));
        }
        return new Reply(200, Map.of("status", parts.get(1).equals("save") ? "saved" : "loaded",
                "file", file.toString()));
    }

    private Path stateFile(HttpExchange exchange) throws IOException {
        String body = body(exchange);
        if (!body.isBlank()) {
            JsonNode node = readTree(body);
            if (node.path("file").isTextual()) {
                return Path.of(node.path("file").asText());
            }
        }
        if (defaultStateFile == null) {
            throw new IllegalArgumentException("give {\"file\": \"...\"}: the emulator was started without a state file");
        }
        return defaultStateFile;
    }

    private Reply keys(HttpExchange exchange, String method, List<String> parts) throws IOException {
        if (parts.size() < 2 || parts.get(1).isEmpty()) {
            throw new AdminError(404, "use /admin/keys/{accessKeyId}");
        }
        String keyId = parts.get(1);
        if (parts.size() == 2) {
            expect(method, "GET", parts, 2);
            return emulator.state().key(keyId).<Reply>map(k -> new Reply(200, k))
                    .orElseThrow(() -> new AdminError(404, "no AccessKey " + keyId));
        }
        if (parts.size() == 3 && parts.get(2).equals("exposed")) {
            expect(method, "POST", parts, 3);
            String body = body(exchange);
            JsonNode request = body.isBlank() ? Json.MAPPER.createObjectNode() : readTree(body);
            boolean exposed = request.path("exposed").asBoolean(true);
            if (!emulator.state().markExposed(keyId, exposed, leakReport(request, null, keyId))) {
                throw new AdminError(404, "no AccessKey " + keyId);
            }
            return new Reply(200, emulator.state().key(keyId).orElseThrow());
        }
        throw new AdminError(404, "no admin call at " + exchange.getRequestURI().getPath());
    }

    private Reply securityCenter(HttpExchange exchange, String method, List<String> parts) throws IOException {
        if (parts.size() != 2 || !parts.get(1).equals("leaks")) {
            throw new AdminError(404, "use /admin/security-center/leaks");
        }
        if (method.equals("GET")) {
            String accountId = query(exchange).get("accountId");
            return new Reply(200, Map.of("securityCenterLeaks", emulator.state().snapshot().securityCenterLeaks()
                    .stream().filter(l -> accountId == null || accountId.equals(l.accountId())).toList()));
        }
        expect(method, "POST", parts, 2);
        JsonNode request = readTree(body(exchange));
        if (!request.path("accessKeyId").isTextual()) {
            throw new IllegalArgumentException("give {\"accessKeyId\": \"...\"} (and accountId for a deleted key)");
        }
        return new Reply(200, emulator.state().reportLeak(leakReport(request, text(request, "accountId"),
                request.path("accessKeyId").asText())));
    }

    private static CloudState.LeakReport leakReport(JsonNode request, String accountId, String accessKeyId) {
        return new CloudState.LeakReport(accountId, accessKeyId, text(request, "source"), text(request, "url"),
                text(request, "githubUser"), text(request, "githubRepoName"), text(request, "githubFileName"),
                text(request, "githubFileType"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private Object events(HttpExchange exchange) {
        Map<String, String> query = query(exchange);
        String keyId = query.get("accessKeyId");
        int limit = Optional.ofNullable(query.get("limit")).map(Integer::parseInt).orElse(100);
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be 1..10000");
        }
        List<Map<String, Object>> events = emulator.trail()
                .newestFirst(e -> keyId == null || keyId.equals(e.accessKeyId()), Long.MAX_VALUE, limit)
                .stream().map(AuditTrail.Event::toJson).toList();
        return Map.of("events", events);
    }

    private Reply faults(HttpExchange exchange, String method, List<String> parts) throws IOException {
        if (parts.size() != 1) {
            throw new AdminError(404, "no such admin call");
        }
        switch (method) {
            case "GET" -> {
            }
            case "PUT" -> {
                try {
                    emulator.faults().configure(Json.MAPPER.readValue(body(exchange), Faults.Config.class));
                } catch (IOException e) {
                    throw new IllegalArgumentException("invalid fault configuration: " + Json.describe(e));
                }
            }
            case "DELETE" -> emulator.faults().reset();
            default -> throw new AdminError(405, method + " is not allowed on /admin/faults");
        }
        return new Reply(200, emulator.faults().current());
    }

    private static void expect(String method, String expected, List<String> parts, int size) {
        if (parts.size() != size) {
            throw new AdminError(404, "no such admin call");
        }
        if (!method.equals(expected)) {
            throw new AdminError(405, method + " is not allowed here; use " + expected);
        }
    }

    private static String body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new AdminError(413, "request body too large");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static JsonNode readTree(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not valid JSON");
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> values = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message == null ? "bad request" : message);
    }
}
