package io.leakguard.emulator;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/** Generators for identifiers and credentials in the formats the real cloud uses. */
final class Ids {

    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // SecureRandom is thread-safe; credentials must not be predictable even in an emulator.
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A permanent AccessKey ID: "LTAI" + 20 alphanumerics. */
    static String accessKeyId() {
        return "LTAI" + alphanumeric(20);
    }

    /** A permanent AccessKey secret: 30 alphanumerics. */
    static String accessKeySecret() {
        return alphanumeric(30);
    }

    static String stsAccessKeyId() {
        return "STS." + alphanumeric(24);
    }

    static String stsAccessKeySecret() {
        return alphanumeric(40);
    }

    /** An opaque STS token. It contains '+', '/' and '=' on purpose, as real ones do, to exercise encoding. */
    static String securityToken() {
        byte[] bytes = new byte[360];
        RANDOM.nextBytes(bytes);
        return "CAIS" + Base64.getEncoder().encodeToString(bytes);
    }

    /** A numeric identifier without a leading zero, as RAM user and role IDs are. */
    /** A RAM user group ID, {@code g-} and 12 alphanumerics, as RAM's documentation shows them. */
    static String groupId() {
        return "g-" + alphanumeric(12);
    }

    static String numeric(int length) {
        StringBuilder sb = new StringBuilder(length);
        sb.append((char) ('1' + RANDOM.nextInt(9)));
        for (int i = 1; i < length; i++) {
            sb.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return sb.toString();
    }

    static String hex(int length) {
        byte[] bytes = new byte[(length + 1) / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).substring(0, length);
    }

    static String requestId() {
        return UUID.randomUUID().toString().toUpperCase();
    }

    static String alphanumeric(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return sb.toString();
    }
}
