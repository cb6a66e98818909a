package io.leakguard.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON configuration of the emulator.
 *
 * <p>Jackson's defaults already suit the SDK's hand-written parser: non-ASCII is written as raw UTF-8 (the
 * SDK does not decode {@code \\uXXXX}) and nothing is HTML-escaped. What the defaults do not give us is the
 * guarantee that no {@code null} sits inside an array (the SDK dies with a bare NullPointerException on one),
 * so every response passes through {@link #clean(Object)} first.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {
    }

    /** A one-line reason for a parse failure: Jackson's message without its source dump, plus the location. */
    static String describe(Exception e) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
            return cause.getMessage() == null ? "a list holds a null entry" : cause.getMessage();
        }
        if (e instanceof JsonProcessingException jpe) {
            String where = jpe.getLocation() == null ? "" : " (line " + jpe.getLocation().getLineNr()
                    + ", column " + jpe.getLocation().getColumnNr() + ")";
            return jpe.getOriginalMessage() + where;
        }
        return e.getMessage();
    }

    /** Serializes a response tree after dropping nulls from lists and maps. */
    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(clean(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response is not serializable", e);
        }
    }

    static String string(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    /**
     * Recursively copies maps and lists without null members or elements. Null map members would be
     * harmless (the SDK skips them) but dropping them keeps the output tidy.
     */
    static Object clean(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    copy.put(k, clean(v));
                }
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                if (element != null) {
                    copy.add(clean(element));
                }
            }
            return copy;
        }
        return value;
    }
}
