package io.leakguard.emulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for response trees, and the opaque paging markers. */
final class Responses {

    private Responses() {
    }

    /** An ordered JSON object from alternating names and values; null values are left out. */
    static Map<String, Object> obj(Object... namesAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            if (value != null) {
                map.put((String) namesAndValues[i], value);
            }
        }
        return map;
    }

    /** The RAM/STS/KMS array form {@code {"<item>":[...]}}: the SDK reads a bare array as an empty list. */
    static Map<String, Object> wrap(String itemName, List<?> items) {
        return obj(itemName, items);
    }

    static String marker(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    static String unmarker(String marker, String parameter) {
        try {
            return new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw Params.invalid(parameter, "is not a marker this service returned");
        }
    }
}
