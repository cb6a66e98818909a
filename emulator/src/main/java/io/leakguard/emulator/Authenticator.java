package io.leakguard.emulator;

import io.leakguard.emulator.Model.AccessKey;
import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.Role;
import io.leakguard.emulator.Model.StsSession;
import io.leakguard.emulator.Model.User;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Authenticates a signed RPC request: finds the AccessKey (permanent or STS), verifies Signature V1,
 * the Timestamp window and nonce reuse, and records the key's last use.
 *
 * <p>Order of checks: key exists and is usable, then signature, then Timestamp, then nonce. The nonce is
 * remembered only once the signature is valid, so nobody can burn another caller's nonces.
 */
final class Authenticator {

    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int PURGE_EVERY = 4096;

    private record Credential(String secret, Caller caller) {
    }

    private final CloudState state;
    private final Map<String, Instant> nonces = new ConcurrentHashMap<>();
    private final AtomicInteger insertsSincePurge = new AtomicInteger();

    Authenticator(CloudState state) {
        this.state = state;
    }

    /** The AccessKeyId the request claims, for logging and audit even when authentication fails. */
    static String claimedKeyId(Params params) {
        return params.optional("AccessKeyId");
    }

    Caller authenticate(String method, Params params) {
        String accessKeyId = params.optional("AccessKeyId");
        if (accessKeyId == null) {
            throw ApiException.missing("AccessKeyId");
        }
        String signature = params.optional("Signature");
        if (signature == null) {
            throw ApiException.missing("Signature");
        }
        String signatureMethod = params.optional("SignatureMethod");
        if (signatureMethod != null && !signatureMethod.equals("HMAC-SHA1")) {
            throw ApiException.badRequest("InvalidSignatureMethod", "Specified signature method is not supported.");
        }
        Instant now = state.clock().instant();
        Credential credential = state.locked(m -> lookup(m, accessKeyId, params.get("SecurityToken"), now));

        if (!SignatureV1.verify(method, params.all(), credential.secret(), signature)) {
            // Real RAM appends the server's string-to-sign here; we do not, because for KMS it would echo
            // SecretData into error messages (and from there into client logs).
            throw ApiException.badRequest("SignatureDoesNotMatch",
                    "Specified signature is not matched with our calculation.");
        }
        checkTimestamp(params.optional("Timestamp"), now);
        checkNonce(accessKeyId, params.optional("SignatureNonce"), now);

        if (credential.caller().kind() != Caller.Kind.ASSUMED_ROLE) {
            state.locked(m -> {
                AccessKey key = m.keys.get(accessKeyId);
                if (key != null) {
                    key.lastUsed = now;
                }
                return null;
            });
        }
        return credential.caller();
    }

    private static Credential lookup(Model m, String accessKeyId, String securityToken, Instant now) {
        if (accessKeyId.startsWith("STS.")) {
            return lookupSession(m, accessKeyId, securityToken, now);
        }
        AccessKey key = m.keys.get(accessKeyId);
        if (key == null) {
            throw notFound();
        }
        if (!key.status.equals("Active")) {
            throw ApiException.forbidden("InvalidAccessKeyId.Inactive", "Specified access key is disabled.");
        }
        if (key.isRoot()) {
            return new Credential(key.secret, Caller.root(key.accountId, key.id));
        }
        User user = m.accounts.get(key.accountId).users.get(key.userName);
        if (user == null) {
            throw notFound();
        }
        return new Credential(key.secret, Caller.user(key.accountId, key.id, user.userName, user.userId));
    }

    /**
     * An STS credential is valid while unexpired, presented with its own token, and only while its role
     * still exists with the RoleId it was issued for: deleting and recreating a role kills its old tokens.
     */
    private static Credential lookupSession(Model m, String accessKeyId, String securityToken, Instant now) {
        StsSession session = m.sessions.get(accessKeyId);
        if (session == null) {
            throw notFound();
        }
        if (securityToken == null || !MessageDigest.isEqual(
                securityToken.getBytes(StandardCharsets.UTF_8), session.securityToken().getBytes(StandardCharsets.UTF_8))) {
            throw ApiException.badRequest("InvalidSecurityToken.MismatchWithAccessKey",
                    "The security token does not match the access key.");
        }
        if (!now.isBefore(session.expiration())) {
            throw ApiException.badRequest("InvalidSecurityToken.Expired", "Specified SecurityToken is expired.");
        }
        Account account = m.accounts.get(session.accountId());
        Role role = account == null ? null : account.roles.get(session.roleName());
        if (role == null || !role.roleId.equals(session.roleId())) {
            throw ApiException.badRequest("InvalidSecurityToken.Expired",
                    "Specified SecurityToken is no longer valid: the role it was issued for no longer exists.");
        }
        return new Credential(session.secret(), Caller.assumedRole(session.accountId(), accessKeyId,
                role.roleName, role.roleId, session.sessionName()));
    }

    private static ApiException notFound() {
        return ApiException.notFound("InvalidAccessKeyId.NotFound", "Specified access key is not found.");
    }

    private static void checkTimestamp(String timestamp, Instant now) {
        if (timestamp == null) {
            throw ApiException.missing("Timestamp");
        }
        Instant sent = Times.parseOrNull(timestamp);
        if (sent == null) {
            throw ApiException.badRequest("InvalidTimeStamp.Format",
                    "Specified time stamp or date value is not well formatted.");
        }
        if (Duration.between(sent, now).abs().compareTo(WINDOW) > 0) {
            throw ApiException.badRequest("InvalidTimeStamp.Expired",
                    "Specified time stamp or date value is expired.");
        }
    }

    private void checkNonce(String accessKeyId, String nonce, Instant now) {
        if (nonce == null) {
            throw ApiException.missing("SignatureNonce");
        }
        Instant previous = nonces.putIfAbsent(accessKeyId + ":" + nonce, now);
        if (previous != null) {
            if (Duration.between(previous, now).compareTo(WINDOW) <= 0) {
                throw ApiException.badRequest("SignatureNonceUsed", "Specified signature nonce was used already.");
            }
            nonces.put(accessKeyId + ":" + nonce, now);
        }
        if (insertsSincePurge.incrementAndGet() >= PURGE_EVERY) {
            insertsSincePurge.set(0);
            Instant cutoff = now.minus(WINDOW);
            nonces.values().removeIf(seen -> seen.isBefore(cutoff));
        }
    }
}
