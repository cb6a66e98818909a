package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakguard.emulator.Model.OidcProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Verifies an OIDC token (a JWT, RFC 7519) the way STS AssumeRoleWithOIDC does before it looks at the role:
 * RS256 signature against the provider's keys, issuer, audience among the provider's client IDs, expiry.
 *
 * <p>Error codes and messages are the documented ones (HTTP 401), from
 * https://help.aliyun.com/zh/ram/developer-reference/api-sts-2015-04-01-errorcodes :
 * {@code AuthenticationFail.OIDCToken.Invalid} (empty, not three parts, not base64url JSON, unknown algorithm),
 * {@code AuthenticationFail.OIDCToken.InvalidSignature}, {@code AuthenticationFail.OIDCToken.Expired},
 * {@code AuthenticationFail.OIDCToken.AudienceNotMatch}. That table shows no issuer-specific code; a wrong
 * issuer answers {@code AuthenticationFail.OIDCToken.IssuerNotMatch} here, an inference from the naming of the
 * audience code, not a documented value.
 */
final class OidcTokens {

    /** Clock skew tolerated on {@code iat} and {@code nbf}: a token signed a moment "in the future" is fine. */
    static final Duration SKEW = Duration.ofMinutes(5);

    /** The claims STS reads, as AssumeRoleWithOIDC's OIDCTokenInfo reports them. */
    record Claims(String issuer, String subject, List<String> audiences, Instant issuedAt, Instant expiresAt) {
    }

    private OidcTokens() {
    }

    static Claims verify(String token, OidcProvider provider, Instant now) {
        if (token == null || token.isBlank()) {
            throw invalid("The OIDCToken can not empty.");
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("The number of Jwt field should be divided into 3 parts with '.' .");
        }
        JsonNode header = json(parts[0]);
        JsonNode claims = json(parts[1]);
        String alg = header.path("alg").asText("");
        if (!alg.equals("RS256")) {
            throw invalid("The algorithm " + alg + " that be specified in Jwt header is unknown.");
        }
        Optional<RSAPublicKey> key = provider.jwks.key(header.path("kid").asText(null));
        if (key.isEmpty() || !signatureMatches(key.get(), parts)) {
            throw new ApiException(401, "AuthenticationFail.OIDCToken.InvalidSignature",
                    "OIDC token validate failed: invalid signature.");
        }
        String issuer = claims.path("iss").asText("");
        if (!issuer.equals(provider.issuerUrl)) {
            throw new ApiException(401, "AuthenticationFail.OIDCToken.IssuerNotMatch", "Invalid issuer.");
        }
        List<String> audiences = new ArrayList<>();
        JsonNode aud = claims.path("aud");
        if (aud.isArray()) {
            aud.forEach(a -> audiences.add(a.asText()));
        } else if (aud.isTextual()) {
            audiences.add(aud.asText());
        }
        if (audiences.stream().noneMatch(provider.clientIds::contains)) {
            throw new ApiException(401, "AuthenticationFail.OIDCToken.AudienceNotMatch", "Invalid audience.");
        }
        if (!claims.path("exp").isNumber()) {
            throw invalid("The Jwt content is invalid that cannot be recognized.");
        }
        Instant expiresAt = Instant.ofEpochSecond(claims.path("exp").asLong());
        if (!expiresAt.isAfter(now)) {
            throw new ApiException(401, "AuthenticationFail.OIDCToken.Expired", "This JsonWebToken is expired.");
        }
        Instant issuedAt = claims.path("iat").isNumber() ? Instant.ofEpochSecond(claims.path("iat").asLong()) : null;
        Instant notBefore = claims.path("nbf").isNumber() ? Instant.ofEpochSecond(claims.path("nbf").asLong()) : null;
        if ((issuedAt != null && issuedAt.isAfter(now.plus(SKEW)))
                || (notBefore != null && notBefore.isAfter(now.plus(SKEW)))) {
            throw invalid("The Jwt content is invalid that cannot be recognized.");
        }
        return new Claims(issuer, claims.path("sub").asText(""), List.copyOf(audiences), issuedAt, expiresAt);
    }

    private static boolean signatureMatches(RSAPublicKey key, String[] parts) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(Base64.getUrlDecoder().decode(parts[2]));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }

    private static JsonNode json(String part) {
        try {
            JsonNode node = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(part));
            if (node == null || !node.isObject()) {
                throw invalid("The Jwt content is invalid that cannot be recognized.");
            }
            return node;
        } catch (IllegalArgumentException | IOException e) {
            throw invalid("Cannot decode base64 encoded response(format invalided).");
        }
    }

    private static ApiException invalid(String message) {
        return new ApiException(401, "AuthenticationFail.OIDCToken.Invalid", message);
    }
}
