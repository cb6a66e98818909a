package io.leakguard.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.leakguard.emulator.Model.AccessKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The RPC endpoint: every path outside {@code /admin/}. One call goes through routing (Version + Action),
 * authentication, injected faults, restrictive protection, authorization and the action itself, and is
 * then written and recorded in the audit trail whatever its outcome.
 *
 * <p>Logging names the product, action, AccessKey ID and outcome only: never a query string, since KMS
 * SecretData travels in it.
 */
final class RpcHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RpcHandler.class);
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final CloudState state;
    private final Clock clock;
    private final Authenticator authenticator;
    private final Faults faults;
    private final AuditTrail trail;
    private final Map<String, Product> productsByVersion = new LinkedHashMap<>();

    RpcHandler(CloudState state, Faults faults, AuditTrail trail, List<Product> products) {
        this.state = state;
        this.clock = state.clock();
        this.authenticator = new Authenticator(state);
        this.faults = faults;
        this.trail = trail;
        products.forEach(p -> productsByVersion.put(p.version(), p));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            serve(exchange);
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        String requestId = Ids.requestId();
        Instant now = clock.instant();
        String sourceIp = sourceIp(exchange);
        Params params = Params.parse(null, null);
        Product product = null;
        Product.Action action = null;
        Caller caller = null;
        Map<String, Object> body;
        int status = 200;
        ApiException error = null;
        try {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("POST")) {
                throw new ApiException(405, "UnsupportedHTTPMethod", "Specified HTTP method is not supported.");
            }
            params = Params.parse(exchange.getRequestURI().getRawQuery(), formBody(exchange));
            product = route(exchange, params);
            action = action(exchange, product, params);
            caller = action.anonymous() ? null : authenticator.authenticate(method, params);

            Faults.Decision fault = faults.decide(product.serviceName(), action.name(),
                    caller == null ? null : caller.accountId());
            if (fault.latencyMs() > 0) {
                Thread.sleep(fault.latencyMs());
            }
            if (fault.error() != null) {
                throw fault.error();
            }
            if (caller != null) {
                checkNetworkPolicy(caller, sourceIp);
                checkRestrictiveProtection(product, caller);
            }
            if (action.needsPermission()) {
                Product p = product;
                Product.Action a = action;
                Params ps = params;
                Caller c = caller;
                state.locked(m -> {
                    Authorizer.authorize(m, c, p.permission(a), p.resource(c.accountId(), ps), sourceIp);
                    return null;
                });
            }
            body = new LinkedHashMap<>();
            body.put("RequestId", requestId);
            body.putAll(action.handler().handle(new Product.Call(params, caller, sourceIp, now, requestId)));
        } catch (ApiException e) {
            error = e;
            status = e.status();
            body = errorBody(requestId, exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = new ApiException(503, "ServiceUnavailable", "The emulator is shutting down.");
            status = error.status();
            body = errorBody(requestId, exchange, error);
        } catch (RuntimeException e) {
            LOG.error("internal error serving {} {}", product == null ? "?" : product.serviceName(),
                    action == null ? "?" : action.name(), e);
            error = new ApiException(500, "InternalError", "The request processing has failed due to some unknown error.");
            status = error.status();
            body = errorBody(requestId, exchange, error);
        }

        // The call is in the trail before its answer is sent, as ActionTrail records what the service did whether or
        // not the caller reads the answer: a caller killed mid-call (RemediatorCrashIT's SIGKILL) leaves its
        // successful call in the trail, and a caller that gets the answer finds its event there at once.
        String keyId = caller != null ? caller.accessKeyId() : Authenticator.claimedKeyId(params);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} key={} status={} code={}", product == null ? "?" : product.serviceName(),
                    action == null ? params.optional("Action") : action.name(), keyId, status,
                    error == null ? "OK" : error.code());
        }
        if (product != null && action != null) {
            record(product, action, params, caller, keyId, sourceIp, exchange, now, requestId, error,
                    error == null && action.write() ? AuditTrail.responseElements(body) : Map.of());
        }

        byte[] bytes = Json.bytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Product route(HttpExchange exchange, Params params) {
        String version = Optional.ofNullable(params.optional("Version"))
                .orElse(exchange.getRequestHeaders().getFirst("x-acs-version"));
        if (version == null) {
            throw ApiException.missing("Version");
        }
        Product product = productsByVersion.get(version);
        if (product == null) {
            throw ApiException.badRequest("InvalidVersion", "Specified parameter Version is not valid.");
        }
        return product;
    }

    private static Product.Action action(HttpExchange exchange, Product product, Params params) {
        String name = Optional.ofNullable(params.optional("Action"))
                .orElse(exchange.getRequestHeaders().getFirst("x-acs-action"));
        if (name == null) {
            throw ApiException.missing("Action");
        }
        return product.action(name).orElseThrow(() -> ApiException.badRequest("InvalidAction.NotFound",
                "Specified api is not found, please check your url and method."));
    }

    /**
     * An AccessKey network access restriction policy (IMS SetAccessKeyPolicy): an enforced policy lets a permanent key
     * call any product only from the addresses it names; STS tokens are not subject to it.
     */
    private void checkNetworkPolicy(Caller caller, String sourceIp) {
        if (caller.kind() == Caller.Kind.ASSUMED_ROLE) {
            return;
        }
        boolean allowed = state.locked(m -> {
            AccessKey key = m.keys.get(caller.accessKeyId());
            return key == null || key.networkPolicy == null || key.networkPolicy.allows(sourceIp);
        });
        if (!allowed) {
            throw ApiException.forbidden("NoPermission", "The network access restriction policy of this AccessKey "
                    + "does not allow calls from " + sourceIp + ".");
        }
    }

    /** Restrictive protection: a key known to be publicly exposed may no longer call RAM. */
    private void checkRestrictiveProtection(Product product, Caller caller) {
        if (!product.serviceName().equals("Ram") || caller.kind() == Caller.Kind.ASSUMED_ROLE) {
            return;
        }
        boolean exposed = state.key(caller.accessKeyId()).map(KeyView::exposed).orElse(false);
        if (exposed) {
            throw ApiException.forbidden("Forbidden", "There is a risk of leakage of this AccessKey, "
                    + "and the call has been refused by restrictive protection.");
        }
    }

    private void record(Product product, Product.Action action, Params params, Caller caller, String keyId,
                        String sourceIp, HttpExchange exchange, Instant now, String requestId, ApiException error,
                        Map<String, Object> responseElements) {
        String accountId;
        String identityType;
        String userName;
        String principalId;
        if (caller != null) {
            accountId = caller.accountId();
            identityType = caller.trailType();
            userName = caller.trailUserName();
            principalId = caller.principalId();
        } else {
            // Authentication failed: attribute the attempt to the key's owner when we know it, so an
            // account's trail shows attempts with its disabled or deleted keys too.
            AccessKey known = keyId == null ? null : state.locked(m -> {
                AccessKey key = m.keys.get(keyId);
                return key != null ? key : m.deletedKeys.get(keyId);
            });
            accountId = known == null ? StsApi.roleAccount(params) : known.accountId;
            identityType = known == null ? "unknown" : known.isRoot() ? "root-account" : "ram-user";
            userName = known == null ? null : known.isRoot() ? "root" : known.userName;
            principalId = null;
        }
        String[] resource = resourceOf(params);
        trail.record(new AuditTrail.Event(0, UUID.randomUUID().toString(), action.name(),
                product.serviceName(), product.version(), action.write(), now, sourceIp,
                exchange.getRequestHeaders().getFirst("User-Agent"), requestId, accountId, identityType, keyId,
                userName, principalId, error == null ? null : error.code(), error == null ? null : error.getMessage(),
                AuditTrail.redact(params.all()), responseElements, resource[0], resource[1], state.region()));
    }

    /** The resource an event is about, for ActionTrail's resourceType/resourceName. */
    private static String[] resourceOf(Params params) {
        if (params.optional("SecretName") != null) {
            return new String[] {"ACS::KMS::Secret", params.get("SecretName")};
        }
        if (params.optional("RoleName") != null) {
            return new String[] {"ACS::RAM::Role", params.get("RoleName")};
        }
        if (params.optional("UserName") != null) {
            return new String[] {"ACS::RAM::User", params.get("UserName")};
        }
        if (params.optional("PolicyName") != null) {
            return new String[] {"ACS::RAM::Policy", params.get("PolicyName")};
        }
        return new String[] {null, null};
    }

    private static Map<String, Object> errorBody(String requestId, HttpExchange exchange, ApiException e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("RequestId", requestId);
        String host = exchange.getRequestHeaders().getFirst("Host");
        body.put("HostId", host == null ? "127.0.0.1" : host);
        body.put("Code", e.code());
        body.put("Message", e.getMessage());
        body.put("Recommend", "https://api.aliyun.com/troubleshoot?q=" + e.code());
        return body;
    }

    /** The form-encoded body, if the request has one; the SDK sends none but a CommonRequest may. */
    private static String formBody(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw ApiException.badRequest("InvalidParameter", "The request body is too large.");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The connection's address, or the first address of X-Forwarded-For (lets a test play a remote caller). */
    static String sourceIp(HttpExchange exchange) {
        String forwarded = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",")[0].trim();
        }
        return exchange.getRemoteAddress().getAddress().getHostAddress();
    }
}
