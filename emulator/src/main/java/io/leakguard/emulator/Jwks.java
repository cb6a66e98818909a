package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON Web Key Set (RFC 7517) of RSA signing keys, the keys an OIDC provider's tokens are verified against.
 * Only what RS256 needs is read: {@code kty} RSA, {@code kid}, {@code n}, {@code e}; keys for other uses
 * ({@code use} other than {@code sig}) or of other types are skipped.
 */
final class Jwks {

    private final String text;
    private final Map<String, RSAPublicKey> keys;

    private Jwks(String text, Map<String, RSAPublicKey> keys) {
        this.text = text;
        this.keys = keys;
    }

    /** Parses a key set; throws {@link IllegalArgumentException} with a readable reason when malformed. */
    static Jwks parse(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("the JWKS is missing");
        }
        String text = node.isTextual() ? node.asText() : node.toString();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("the JWKS is not valid JSON");
        }
        if (root == null || !root.path("keys").isArray()) {
            throw new IllegalArgumentException("the JWKS needs a keys array");
        }
        Map<String, RSAPublicKey> keys = new LinkedHashMap<>();
        for (JsonNode key : root.path("keys")) {
            if (!key.path("kty").asText("").equals("RSA") || !key.path("use").asText("sig").equals("sig")) {
                continue;
            }
            String kid = key.path("kid").asText("");
            try {
                BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asText("")));
                BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(key.path("e").asText("")));
                if (n.signum() == 0 || e.signum() == 0) {
                    throw new IllegalArgumentException("the JWKS key '" + kid + "' has no n or e");
                }
                keys.put(kid, (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
            } catch (IllegalArgumentException | GeneralSecurityException ex) {
                throw new IllegalArgumentException("the JWKS key '" + kid + "' is not a valid RSA key");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("the JWKS holds no RSA signing key");
        }
        return new Jwks(text, Map.copyOf(keys));
    }

    String text() {
        return text;
    }

    /** The key a token's {@code kid} names; without a kid, the only key when there is exactly one. */
    Optional<RSAPublicKey> key(String kid) {
        if (kid == null || kid.isEmpty()) {
            return keys.size() == 1 ? Optional.of(keys.values().iterator().next()) : Optional.empty();
        }
        return Optional.ofNullable(keys.get(kid));
    }
}
