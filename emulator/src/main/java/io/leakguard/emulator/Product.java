package io.leakguard.emulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One emulated cloud product: its service name (as ActionTrail spells it), API version, the prefix of its
 * RAM action names, how a call maps to a resource ARN, and its actions.
 */
final class Product {

    /** What an action handler receives: the decoded parameters and the authenticated caller. */
    record Call(Params params, Caller caller, String sourceIp, Instant now, String requestId) {
    }

    @FunctionalInterface
    interface Handler {
        /** Returns the response members (RequestId is added by the caller); throws {@link ApiException}. */
        Map<String, Object> handle(Call call);
    }

    @FunctionalInterface
    interface ResourceNamer {
        String resource(String accountId, Params params);
    }

    /**
     * @param write           ActionTrail's eventRW
     * @param needsPermission false only for calls any authenticated identity may make (GetCallerIdentity)
     * @param anonymous       true for calls made without an AccessKey signature at all (AssumeRoleWithOIDC, whose
     *                        OIDC token is the proof of identity); the handler then gets no caller
     */
    record Action(String name, boolean write, boolean needsPermission, boolean anonymous, Handler handler) {
    }

    private final String serviceName;
    private final String version;
    private final String permissionPrefix;
    private final ResourceNamer resourceNamer;
    private final Map<String, Action> actions = new LinkedHashMap<>();
    /** RAM action names that do not follow the product's prefix (Security Center uses two namespaces). */
    private final Map<String, String> permissions = new LinkedHashMap<>();

    Product(String serviceName, String version, String permissionPrefix, ResourceNamer resourceNamer) {
        this.serviceName = serviceName;
        this.version = version;
        this.permissionPrefix = permissionPrefix;
        this.resourceNamer = resourceNamer;
    }

    Product read(String name, Handler handler) {
        actions.put(name, new Action(name, false, true, false, handler));
        return this;
    }

    Product write(String name, Handler handler) {
        actions.put(name, new Action(name, true, true, false, handler));
        return this;
    }

    /** A read whose RAM action name is {@code permission} instead of {@code <prefix>:<name>}. */
    Product read(String name, String permission, Handler handler) {
        permissions.put(name, permission);
        return read(name, handler);
    }

    /** A write whose RAM action name is {@code permission} instead of {@code <prefix>:<name>}. */
    Product write(String name, String permission, Handler handler) {
        permissions.put(name, permission);
        return write(name, handler);
    }

    Product open(String name, Handler handler) {
        actions.put(name, new Action(name, false, false, false, handler));
        return this;
    }

    /** An action called without a signature; it authenticates the request itself. */
    Product anonymous(String name, Handler handler) {
        actions.put(name, new Action(name, true, false, true, handler));
        return this;
    }

    String serviceName() {
        return serviceName;
    }

    String version() {
        return version;
    }

    Optional<Action> action(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /** The RAM action name, e.g. {@code ram:ListUsers}. */
    String permission(Action action) {
        String own = permissions.get(action.name());
        return own != null ? own : permissionPrefix + ":" + action.name();
    }

    String resource(String accountId, Params params) {
        return resourceNamer.resource(accountId, params);
    }
}
