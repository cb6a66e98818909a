package io.leakguard.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A local OIDC issuer: an RSA key pair, its JWKS, and RS256-signed tokens. It plays the part of an ACK cluster's
 * service-account token issuer for RRSA (https://www.alibabacloud.com/help/en/ack/serverless-kubernetes/user-guide/use-rrsa-to-authorize-pods-to-access-different-cloud-services):
 * the local stack registers its JWKS with the emulator as an OIDC provider and hands each service a token file, and
 * tests sign good and bad tokens with it.
 *
 * <p>Plain JDK: a JWT is base64url(header).base64url(claims).base64url(SHA256withRSA signature); no JOSE library is
 * needed for that. The private key never leaves this object.
 */
public final class OidcIssuer {

    /** The audience ACK puts in RRSA tokens, and the client ID of its OIDC provider. */
    public static final String STS_AUDIENCE = "sts.aliyuncs.com";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String issuerUrl;
    private final String keyId;
    private final KeyPair keys;

    private OidcIssuer(String issuerUrl, String keyId, KeyPair keys) {
        this.issuerUrl = issuerUrl;
        this.keyId = keyId;
        this.keys = keys;
    }

    /** A fresh 2048-bit RSA key pair with a random key ID, for the given issuer URL. */
    public static OidcIssuer generate(String issuerUrl) {
        Objects.requireNonNull(issuerUrl, "issuerUrl");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new OidcIssuer(issuerUrl, Ids.alphanumeric(16), generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate RSA keys", e);
        }
    }

    /** Another key pair under the same issuer URL and key ID: what a forger would sign with. */
    public OidcIssuer impostor() {
        OidcIssuer other = generate(issuerUrl);
        return new OidcIssuer(issuerUrl, keyId, other.keys);
    }

    public String issuerUrl() {
        return issuerUrl;
    }

    public String keyId() {
        return keyId;
    }

    /** The public key as a JSON Web Key Set: {@code {"keys":[{"kty":"RSA","use":"sig","alg":"RS256",...}]}}. */
    public String jwksJson() {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        jwk.put("kid", keyId);
        jwk.put("n", B64.encodeToString(unsigned(key.getModulus())));
        jwk.put("e", B64.encodeToString(unsigned(key.getPublicExponent())));
        return write(Map.of("keys", List.of(jwk)));
    }

    /**
     * A Kubernetes service-account token as ACK projects it for RRSA: issuer, subject
     * {@code system:serviceaccount:<namespace>:<name>}, audience {@code sts.aliyuncs.com}, issued now.
     */
    public String serviceAccountToken(String namespace, String serviceAccount, Instant now, Duration validity) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuerUrl);
        claims.put("sub", subject(namespace, serviceAccount));
        claims.put("aud", List.of(STS_AUDIENCE));
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(validity).getEpochSecond());
        return sign(claims);
    }

    /** {@code system:serviceaccount:<namespace>:<name>}, the {@code oidc:sub} of an RRSA trust policy. */
    public static String subject(String namespace, String serviceAccount) {
        return "system:serviceaccount:" + namespace + ":" + serviceAccount;
    }

    /** Signs any claims (tests use it for tokens with a wrong issuer, audience or expiry). */
    public String sign(Map<String, Object> claims) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("kid", keyId);
        header.put("typ", "JWT");
        String signingInput = B64.encodeToString(write(header).getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(write(claims).getBytes(StandardCharsets.UTF_8));
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(keys.getPrivate());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot sign with RSA", e);
        }
    }

    /**
     * Writes a token file readable by its owner only (0600), replacing the old one in one move so that a reader
     * never sees half a token: the way the kubelet rotates a projected token.
     */
    public static void writeTokenFile(Path file, String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, token, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }

    private static String write(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
