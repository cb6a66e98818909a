package io.leakguard.emulator;

import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.Attachment;
import io.leakguard.emulator.Model.Role;
import io.leakguard.emulator.Model.StsSession;
import io.leakguard.emulator.Model.User;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * RAM authorization: root may do anything; a RAM user has its attached policies and those of its groups; an assumed role has its
 * role's policies as they are at the moment of the call (so detaching them strips live tokens at once),
 * further limited by the session policy given to AssumeRole. An explicit Deny wins; no Allow means
 * {@code NoPermission}.
 */
final class Authorizer {

    private Authorizer() {
    }

    /**
     * @param action   e.g. {@code ram:ListUsers}
     * @param resource the resource ARN the action touches
     * @param sourceIp the caller's address, for {@code acs:SourceIp} conditions
     */
    static void authorize(Model m, Caller caller, String action, String resource, String sourceIp) {
        if (caller.kind() == Caller.Kind.ROOT) {
            return;
        }
        Account account = m.accounts.get(caller.accountId());
        Collection<Attachment> attachments = List.of();
        PolicyDocument sessionPolicy = null;
        if (caller.kind() == Caller.Kind.RAM_USER) {
            User user = account.users.get(caller.userName());
            if (user != null) {
                List<Attachment> own = new ArrayList<>(user.policies.values());
                // A group's policies are its members' too.
                account.groups.values().stream().filter(g -> g.members.containsKey(user.userName))
                        .forEach(g -> own.addAll(g.policies.values()));
                attachments = own;
            }
        } else {
            Role role = account.roles.get(caller.roleName());
            if (role != null && role.roleId.equals(caller.roleId())) {
                attachments = role.policies.values();
            }
            StsSession session = m.sessions.get(caller.accessKeyId());
            sessionPolicy = session == null ? null : session.sessionPolicy();
        }
        PolicyDocument.Decision decision = PolicyDocument.Decision.NONE;
        for (Attachment attachment : attachments) {
            var policy = m.policy(account, attachment.policyType(), attachment.policyName());
            if (policy.isEmpty()) {
                continue;
            }
            PolicyDocument.Decision d = policy.get().document.evaluate(action, resource, sourceIp);
            if (d == PolicyDocument.Decision.DENY) {
                throw ApiException.noPermission();
            }
            if (d == PolicyDocument.Decision.ALLOW) {
                decision = d;
            }
        }
        if (decision != PolicyDocument.Decision.ALLOW) {
            throw ApiException.noPermission();
        }
        if (sessionPolicy != null && sessionPolicy.evaluate(action, resource, sourceIp) != PolicyDocument.Decision.ALLOW) {
            throw ApiException.noPermission();
        }
    }
}
