package io.leakguard.emulator;

import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.Role;
import io.leakguard.emulator.Model.StsSession;
import io.leakguard.emulator.Product.Call;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.leakguard.emulator.Responses.obj;

/** STS, version 2015-04-01: AssumeRole and GetCallerIdentity (reference §3). */
final class StsApi {

    static final String VERSION = "2015-04-01";
    private static final Pattern ROLE_ARN = Pattern.compile("acs:ram::(\\d{16}):role/([^/]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w.@-]{2,64}");

    private final CloudState state;

    StsApi(CloudState state) {
        this.state = state;
    }

    Product product() {
        return new Product("Sts", VERSION, "sts", StsApi::resource)
                .write("AssumeRole", this::assumeRole)
                .open("GetCallerIdentity", this::getCallerIdentity);
    }

    /** AssumeRole is authorized on the role's ARN; nothing else in STS needs a resource. */
    static String resource(String accountId, Params params) {
        String roleArn = params.optional("RoleArn");
        return roleArn != null ? roleArn : "*";
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
            Role role = account == null ? null : account.roles.get(arn.group(2));
            if (role == null) {
                throw ApiException.notFound("EntityNotExist.Role", "The role does not exist.");
            }
            long duration = requested == null ? Math.min(3600, role.maxSessionDuration) : requested;
            if (duration < 900 || duration > role.maxSessionDuration) {
                throw ApiException.badRequest("InvalidParameter.DurationSeconds",
                        "The DurationSeconds must be between 900 and " + role.maxSessionDuration + ".");
            }
            List<String> principals = List.of(caller.arn(), "acs:ram::" + caller.accountId() + ":root");
            if (!role.trustPolicy.trusts(principals)) {
                throw ApiException.forbidden("NoPermission",
                        "You are not authorized to assume this role: the role's trust policy does not allow you.");
            }
            Instant now = call.now();
            m.sessions.values().removeIf(s -> !s.expiration().isAfter(now));
            StsSession session = new StsSession(Ids.stsAccessKeyId(), Ids.stsAccessKeySecret(), Ids.securityToken(),
                    account.id, role.roleName, role.roleId, sessionName, now.plusSeconds(duration), sessionPolicy,
                    caller.accessKeyId());
            m.sessions.put(session.accessKeyId(), session);
            return obj("AssumedRoleUser", obj(
                            "Arn", CloudState.roleArn(account.id, role.roleName) + "/" + sessionName,
                            "AssumedRoleId", role.roleId + ":" + sessionName),
                    "Credentials", obj("AccessKeyId", session.accessKeyId(),
                            "AccessKeySecret", session.secret(), "SecurityToken", session.securityToken(),
                            "Expiration", Times.format(session.expiration())));
        });
    }

    private static PolicyDocument sessionPolicy(String text) {
        if (text == null) {
            return null;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw ApiException.badRequest("InvalidParameter.PolicySize", "The Policy is longer than 1024 bytes.");
        }
        try {
            return PolicyDocument.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("InvalidParameter.PolicyGrammar",
                    "The Policy has a wrong grammar: " + e.getMessage() + ".");
        }
    }
}
