package io.leakguard.emulator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Hand-signed RPC requests for what the SDK will not do (replaying a nonce, GET, form bodies, TLS through
 * java.net.http). Signs per reference §1.2, independently of the emulator's own signer.
 */
final class RawRequests {

    private RawRequests() {
    }

    static Map<String, String> signed(TestCloud.Key key, String method, String action, String version) {
        return signed(key, method, action, version, UUID.randomUUID().toString());
    }

    static Map<String, String> signed(TestCloud.Key key, String method, String action, String version, String nonce) {
        Map<String, String> params = new TreeMap<>();
        params.put("Action", action);
        params.put("Version", version);
        params.put("Format", "JSON");
        params.put("AccessKeyId", key.id());
        params.put("SignatureMethod", "HMAC-SHA1");
        params.put("SignatureVersion", "1.0");
        params.put("SignatureNonce", nonce);
        params.put("Timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        params.put("RegionId", TestCloud.REGION);
        String stringToSign = method + "&%2F&" + percent(query(params));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((key.secret() + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            params.put("Signature", Base64.getEncoder().encodeToString(
                    mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return params;
    }

    static String query(Map<String, String> params) {
        return params.entrySet().stream().map(e -> percent(e.getKey()) + "=" + percent(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String percent(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }
}
