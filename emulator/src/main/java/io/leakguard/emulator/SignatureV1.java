package io.leakguard.emulator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * Alibaba Cloud RPC signature V1 (reference §1.2): HMAC-SHA1 keyed with {@code secret + "&"} over
 * {@code METHOD&%2F&percentEncode(canonicalQuery)}, where the canonical query is every parameter except
 * {@code Signature}, sorted by key, each key and value percent-encoded per RFC 3986. The path is always
 * signed as "/", whatever path the request used.
 */
final class SignatureV1 {

    private SignatureV1() {
    }

    static String stringToSign(String method, Map<String, String> sortedParams) {
        StringBuilder canonical = new StringBuilder();
        for (Map.Entry<String, String> e : sortedParams.entrySet()) {
            if (e.getKey().equals("Signature")) {
                continue;
            }
            if (!canonical.isEmpty()) {
                canonical.append('&');
            }
            canonical.append(percentEncode(e.getKey())).append('=').append(percentEncode(e.getValue()));
        }
        return method + "&" + percentEncode("/") + "&" + percentEncode(canonical.toString());
    }

    static String sign(String stringToSign, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((secret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    /** Constant-time comparison of the expected and the presented signature. */
    static boolean verify(String method, Map<String, String> sortedParams, String secret, String presented) {
        String expected = sign(stringToSign(method, sortedParams), secret);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("*", "%2A")
                .replace("%7E", "~");
    }
}
