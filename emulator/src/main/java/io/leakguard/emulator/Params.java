package io.leakguard.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameters of one RPC call: query string plus form body, decoded, sorted by key in Java's natural
 * String order (which is the order the signature needs).
 */
final class Params {

    private final Map<String, String> values;

    private Params(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Decodes the raw query and the form body; a body parameter overrides a query parameter of the same name. */
    static Params parse(String rawQuery, String formBody) {
        Map<String, String> values = new TreeMap<>();
        addAll(values, rawQuery);
        addAll(values, formBody);
        return new Params(values);
    }

    private static void addAll(Map<String, String> values, String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            // URLDecoder reads '+' as a space: right for form bodies, and the SDK never sends a raw '+' in a query.
            values.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
    }

    /** All parameters, sorted by key. */
    Map<String, String> all() {
        return values;
    }

    String get(String name) {
        return values.get(name);
    }

    /** The value, or null when absent or empty. */
    String optional(String name) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    String required(String name) {
        String value = optional(name);
        if (value == null) {
            throw ApiException.missing(name);
        }
        return value;
    }

    /** An optional integer parameter; a malformed one is a 400 naming the parameter. */
    Integer integer(String name, int min, int max) {
        String value = optional(name);
        if (value == null) {
            return null;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw invalid(name, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid(name, "must be an integer");
        }
    }

    static ApiException invalid(String name, String reason) {
        return ApiException.badRequest("InvalidParameter." + name, "The parameter \"" + name + "\" " + reason + ".");
    }
}
