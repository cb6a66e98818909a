package io.leakguard.emulator;

import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.OidcProvider;
import io.leakguard.emulator.Model.Role;
import io.leakguard.emulator.Model.StsSession;
import io.leakguard.emulator.Product.Call;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.leakguard.emulator.Responses.obj;

/**
 * STS, version 2015-04-01: AssumeRole, AssumeRoleWithOIDC and GetCallerIdentity (reference §3).
 *
 * <p>AssumeRoleWithOIDC is documented at
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc : it takes no
 * AccessKey signature (the OIDC token is the proof of identity), and credentials-java 1.0.3's
 * {@code OIDCRoleArnCredentialProvider} sends it as a POST with Action/Version/Format (and an unused
 * SignatureNonce/Timestamp) in the query and RoleArn, OIDCProviderArn, OIDCToken, RoleSessionName,
 * DurationSeconds and Policy as a form body, over HTTPS only.
 */
final class StsApi {

    static final String VERSION = "2015-04-01";
    private static final Pattern ROLE_ARN = Pattern.compile("acs:ram::(\\d{16}):role/([^/]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern OIDC_PROVIDER_ARN =
            Pattern.compile("acs:ram::(\\d{16}):oidc-provider/([^/]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w.@-]{2,64}");

    private final CloudState state;

    StsApi(CloudState state) {
        this.state = state;
    }

    Product product() {
        return new Product("Sts", VERSION, "sts", StsApi::resource)
                .write("AssumeRole", this::assumeRole)
                .anonymous("AssumeRoleWithOIDC", this::assumeRoleWithOidc)
                .open("GetCallerIdentity", this::getCallerIdentity);
    }

    /** AssumeRole is authorized on the role's ARN; nothing else in STS needs a resource. */
    static String resource(String accountId, Params params) {
        String roleArn = params.optional("RoleArn");
        return roleArn != null ? roleArn : "*";
    }

    /** The account of a call's RoleArn, for the audit trail of an unsigned call; null when there is none. */
    static String roleAccount(Params params) {
        String roleArn = params.optional("RoleArn");
        Matcher arn = roleArn == null ? null : ROLE_ARN.matcher(roleArn);
        return arn != null && arn.matches() ? arn.group(1) : null;
    }

    private Map<String, Object> getCallerIdentity(Call call) {
        Caller c = call.caller();
        return obj("IdentityType", c.identityType(), "AccountId", c.accountId(), "UserId", c.principalId(),
                "PrincipalId", c.principalId(), "Arn", c.arn(), "RoleId", c.roleId());
    }

    private Map<String, Object> assumeRole(Call call) {
        Params p = call.params();
        Matcher arn = ROLE_ARN.matcher(p.required("RoleArn"));
        if (!arn.matches()) {
            throw ApiException.badRequest("InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.");
        }
        String sessionName = p.required("RoleSessionName");
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw ApiException.badRequest("InvalidParameter.RoleSessionName",
                    "The parameter RoleSessionName is wrongly formed.");
        }
        PolicyDocument sessionPolicy = sessionPolicy(p.optional("Policy"));
        Integer requested = p.integer("DurationSeconds", 0, Integer.MAX_VALUE);
        Caller caller = call.caller();
        return state.locked(m -> {
            Account account = m.accounts.get(arn.group(1));
            Role role = role(account, arn.group(2));
            long duration = duration(role, requested);
            List<String> principals = List.of(caller.arn(), "acs:ram::" + caller.accountId() + ":root");
            if (!role.trustPolicy.trusts(principals)) {
                throw ApiException.forbidden("NoPermission",
                        "You are not authorized to assume this role: the role's trust policy does not allow you.");
            }
            return issue(m, account, role, sessionName, duration, sessionPolicy, caller.accessKeyId(), call.now());
        });
    }

    /**
     * Verifies the token against the named provider (signature, issuer, audience, expiry), then the role's trust
     * policy for that provider and the token's claims, and issues a session of the role like AssumeRole's.
     * Errors as documented (https://help.aliyun.com/zh/ram/developer-reference/api-sts-2015-04-01-errorcodes):
     * an unknown provider is {@code AuthenticationFail.NoPermission} "No such OIDC Provider registered.", a role
     * that does not trust the token {@code AuthenticationFail.NoPermission} "There is no permission", both 401.
     */
    private Map<String, Object> assumeRoleWithOidc(Call call) {
        Params p = call.params();
        Matcher arn = ROLE_ARN.matcher(p.required("RoleArn"));
        if (!arn.matches()) {
            throw ApiException.badRequest("InvalidParameter.RoleArn", "The parameter RoleArn is wrongly formed.");
        }
        Matcher providerArn = OIDC_PROVIDER_ARN.matcher(p.required("OIDCProviderArn"));
        if (!providerArn.matches()) {
            throw ApiException.badRequest("InvalidParameter.OIDCProviderArn",
                    "The parameter OIDCProviderArn is wrongly formed.");
        }
        String token = p.optional("OIDCToken");
        if (token != null && token.length() > 20_000) {
            throw new ApiException(401, "AuthenticationFail.OIDCToken.Invalid",
                    "The OIDCToken is longer than 20000 characters.");
        }
        String sessionName = p.required("RoleSessionName");
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            throw ApiException.badRequest("InvalidParameter.RoleSessionName",
                    "The parameter RoleSessionName is wrongly formed.");
        }
        PolicyDocument sessionPolicy = sessionPolicy(p.optional("Policy"), 2048);
        Integer requested = p.integer("DurationSeconds", 0, Integer.MAX_VALUE);
        return state.locked(m -> {
            Account providerAccount = m.accounts.get(providerArn.group(1));
            OidcProvider provider = providerAccount == null ? null
                    : providerAccount.oidcProviders.get(providerArn.group(2));
            if (provider == null) {
                throw new ApiException(401, "AuthenticationFail.NoPermission", "No such OIDC Provider registered.");
            }
            OidcTokens.Claims claims = OidcTokens.verify(token, provider, call.now());
            Account account = m.accounts.get(arn.group(1));
            Role role = role(account, arn.group(2));
            long duration = duration(role, requested);
            String canonicalProviderArn = "acs:ram::" + providerAccount.id + ":oidc-provider/" + provider.name;
            Map<String, List<String>> context = Map.of("oidc:iss", List.of(claims.issuer()),
                    "oidc:aud", claims.audiences(), "oidc:sub", List.of(claims.subject()));
            if (!providerAccount.id.equals(account.id) || !role.trustPolicy.trustsFederated(canonicalProviderArn, context)) {
                throw new ApiException(401, "AuthenticationFail.NoPermission", "There is no permission");
            }
            Map<String, Object> body = issue(m, account, role, sessionName, duration, sessionPolicy, null, call.now());
            body.put("OIDCTokenInfo", obj("Subject", claims.subject(), "Issuer", claims.issuer(),
                    "ClientIds", String.join(",", claims.audiences()),
                    "IssuanceTime", claims.issuedAt() == null ? null : Times.format(claims.issuedAt()),
                    "ExpirationTime", Times.format(claims.expiresAt())));
            return body;
        });
    }

    /** A new session of the role: AssumeRole's and AssumeRoleWithOIDC's response members. */
    private static Map<String, Object> issue(Model m, Account account, Role role, String sessionName, long duration,
                                             PolicyDocument sessionPolicy, String sourceAccessKeyId, Instant now) {
        m.sessions.values().removeIf(s -> !s.expiration().isAfter(now));
        StsSession session = new StsSession(Ids.stsAccessKeyId(), Ids.stsAccessKeySecret(), Ids.securityToken(),
                account.id, role.roleName, role.roleId, sessionName, now.plusSeconds(duration), sessionPolicy,
                sourceAccessKeyId);
        m.sessions.put(session.accessKeyId(), session);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("AssumedRoleUser", obj(
                "Arn", CloudState.roleArn(account.id, role.roleName) + "/" + sessionName,
                "AssumedRoleId", role.roleId + ":" + sessionName));
        body.put("Credentials", obj("AccessKeyId", session.accessKeyId(),
                "AccessKeySecret", session.secret(), "SecurityToken", session.securityToken(),
                "Expiration", Times.format(session.expiration())));
        return body;
    }

    /** The role to assume, or the documented error. */
    private static Role role(Account account, String roleName) {
        Role role = account == null ? null : account.roles.get(roleName);
        if (role == null) {
            throw ApiException.notFound("EntityNotExist.Role", "The role does not exist.");
        }
        return role;
    }

    /** The session's duration: as requested, else an hour (or the role's maximum if shorter), 900 s at least. */
    private static long duration(Role role, Integer requested) {
        long duration = requested == null ? Math.min(3600, role.maxSessionDuration) : requested;
        if (duration < 900 || duration > role.maxSessionDuration) {
            throw ApiException.badRequest("InvalidParameter.DurationSeconds",
                    "The DurationSeconds must be between 900 and " + role.maxSessionDuration + ".");
        }
        return duration;
    }

    private static PolicyDocument sessionPolicy(String text) {
        return sessionPolicy(text, 1024);
    }

    private static PolicyDocument sessionPolicy(String text, int maxBytes) {
        if (text == null) {
            return null;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw ApiException.badRequest("InvalidParameter.PolicySize",
                    "The Policy is longer than " + maxBytes + " bytes.");
        }
        try {
            return PolicyDocument.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("InvalidParameter.PolicyGrammar",
                    "The Policy has a wrong grammar: " + e.getMessage() + ".");
        }
    }
}
