package io.leakguard.emulator;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Injected failures, changeable at run time through the admin API (and from Java through
 * {@link Emulator#faults()}).
 *
 * <p>A rule targets {@code *}, a product ({@code Ram}, {@code Sts}, {@code Kms}, {@code Actiontrail}), an
 * action ({@code ListUsers}) or both ({@code Ram:ListUsers}), and may add latency, fail the next N calls
 * and/or fail a fraction of calls. Random decisions come from one {@link Random} seeded by the configuration,
 * so a single-threaded run is reproducible. Rate limits are per account and action, in one-second windows of
 * the emulator's clock; by default LookupEvents allows 2 per second, as the real ActionTrail does.
 */
public final class Faults {

    public static final Map<String, Integer> DEFAULT_RATE_LIMITS = Map.of("LookupEvents", 2);

    /**
     * @param target     {@code *}, a product, an action, or {@code Product:Action}
     * @param errorRate  fraction of matching calls to fail, 0..1
     * @param errorCode  the code to fail with (default {@code ServiceUnavailable})
     * @param httpStatus the status to fail with (default: the code's documented status)
     * @param latencyMs  added to every matching call
     * @param failNext   fail this many next matching calls (counts down)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rule(String target, Double errorRate, String errorCode, Integer httpStatus, Long latencyMs,
                       Integer failNext) {
        public Rule {
            target = target == null ? "*" : target;
            errorRate = errorRate == null ? 0.0 : errorRate;
            errorCode = errorCode == null ? "ServiceUnavailable" : errorCode;
            latencyMs = latencyMs == null ? 0L : latencyMs;
            failNext = failNext == null ? 0 : failNext;
            if (errorRate < 0 || errorRate > 1) {
                throw new IllegalArgumentException("errorRate must be between 0 and 1");
            }
            if (latencyMs < 0 || latencyMs > 60_000) {
                throw new IllegalArgumentException("latencyMs must be between 0 and 60000");
            }
            if (failNext < 0) {
                throw new IllegalArgumentException("failNext must not be negative");
            }
            if (httpStatus != null && (httpStatus < 400 || httpStatus > 599)) {
                throw new IllegalArgumentException("httpStatus must be a 4xx or 5xx status");
            }
        }
    }

    /**
     * @param seed       seeds the random decisions (default 0)
     * @param rules      replaces every rule
     * @param rateLimits calls per second per account, by action ({@code LookupEvents}) or
     *                   {@code Product:Action}; 0 removes a limit; absent keeps the defaults
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Config(Long seed, List<Rule> rules, Map<String, Integer> rateLimits) {
        public Config {
            seed = seed == null ? 0L : seed;
            rules = rules == null ? List.of() : List.copyOf(rules);
            rateLimits = rateLimits == null ? DEFAULT_RATE_LIMITS : Map.copyOf(rateLimits);
            rateLimits.forEach((k, v) -> {
                if (v == null || v < 0) {
                    throw new IllegalArgumentException("rate limit of " + k + " must be 0 or more");
                }
            });
        }
    }

    /** What the faults decided for one call: latency to add first, then an error or none. */
    record Decision(long latencyMs, ApiException error) {
    }

    private final Clock clock;
    private Config config;
    private Random random;
    private final List<Integer> remainingFailures = new ArrayList<>();
    private final Map<String, long[]> windows = new HashMap<>();

    Faults(Clock clock) {
        this.clock = clock;
        configure(new Config(null, null, null));
    }

    public synchronized void configure(Config newConfig) {
        this.config = newConfig;
        this.random = new Random(newConfig.seed());
        remainingFailures.clear();
        newConfig.rules().forEach(rule -> remainingFailures.add(rule.failNext()));
        windows.clear();
    }

    /** Removes every rule and restores the default rate limits. */
    public synchronized void reset() {
        configure(new Config(null, null, null));
    }

    /** The configuration in force, with each rule's failNext showing what is left of it. */
    public synchronized Config current() {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < config.rules().size(); i++) {
            Rule r = config.rules().get(i);
            rules.add(new Rule(r.target(), r.errorRate(), r.errorCode(), r.httpStatus(), r.latencyMs(),
                    remainingFailures.get(i)));
        }
        return new Config(config.seed(), rules, new LinkedHashMap<>(config.rateLimits()));
    }

    synchronized Decision decide(String serviceName, String action, String accountId) {
        long latency = 0;
        ApiException error = null;
        for (int i = 0; i < config.rules().size(); i++) {
            Rule rule = config.rules().get(i);
            if (!matches(rule.target(), serviceName, action)) {
                continue;
            }
            latency += rule.latencyMs();
            if (error != null) {
                continue;
            }
            int left = remainingFailures.get(i);
            if (left > 0) {
                remainingFailures.set(i, left - 1);
                error = failure(rule);
            } else if (rule.errorRate() > 0 && random.nextDouble() < rule.errorRate()) {
                error = failure(rule);
            }
        }
        if (error == null) {
            error = rateLimit(serviceName, action, accountId);
        }
        return new Decision(latency, error);
    }

    private ApiException rateLimit(String serviceName, String action, String accountId) {
        Integer limit = config.rateLimits().get(serviceName + ":" + action);
        if (limit == null) {
            limit = config.rateLimits().get(action);
        }
        if (limit == null || limit == 0) {
            return null;
        }
        long second = clock.millis() / 1000;
        long[] window = windows.computeIfAbsent(accountId + "/" + serviceName + ":" + action, k -> new long[2]);
        if (window[0] != second) {
            window[0] = second;
            window[1] = 0;
        }
        window[1]++;
        if (window[1] > limit) {
            return new ApiException(400, "Throttling.User", "Request was denied due to user flow control.");
        }
        return null;
    }

    private static boolean matches(String target, String serviceName, String action) {
        if (target.equals("*")) {
            return true;
        }
        int colon = target.indexOf(':');
        if (colon >= 0) {
            return target.substring(0, colon).equalsIgnoreCase(serviceName)
                    && target.substring(colon + 1).equals(action);
        }
        return target.equalsIgnoreCase(serviceName) || target.equals(action);
    }

    private static ApiException failure(Rule rule) {
        int status = rule.httpStatus() != null ? rule.httpStatus() : statusOf(rule.errorCode());
        return new ApiException(status, rule.errorCode(), "Injected fault: " + rule.errorCode() + ".");
    }

    /** The documented HTTP status of the codes a fault usually plays. */
    static int statusOf(String code) {
        if (code.startsWith("Throttling")) {
            return 400;
        }
        return switch (code) {
            case "Rejected.Throttling" -> 429;
            case "ServiceUnavailable", "ServiceUnavailableTemporary" -> 503;
            case "InternalError", "InternalFailure", "UnknownError" -> 500;
            case "NoPermission", "Forbidden", "Forbidden.NoPermission" -> 403;
            default -> 400;
        };
    }
}
