package io.leakguard.emulator;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A consistent, secret-free view of the whole emulated cloud, as {@code GET /admin/state} returns it.
 * Lists are flat (each entry names its account) so callers can filter without walking a tree.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StateSnapshot(List<AccountView> accounts, List<UserView> users, List<KeyView> keys,
                            List<RoleView> roles, List<PolicyView> policies, List<SecretView> secrets,
                            List<SessionView> sessions, List<LeakView> securityCenterLeaks,
                            List<GroupView> groups) {

    public record AccountView(String accountId, String alias) {
    }

    /**
     * @param policies     attached policies as "Type:Name", e.g. "System:AdministratorAccess"
     * @param consoleLogin whether the user has a login profile (a console password)
     */
    public record UserView(String accountId, String userName, String userId, String displayName, String email,
                           String mobilePhone, String comments, String createDate, List<String> policies,
                           boolean consoleLogin) {
    }

    /**
     * A RAM user group.
     *
     * @param members  user names, in the order they joined
     * @param policies attached policies as "Type:Name"
     */
    public record GroupView(String accountId, String groupName, String groupId, String comments, String createDate,
                            List<String> members, List<String> policies) {
    }

    public record RoleView(String accountId, String roleName, String roleId, String arn, String description,
                           long maxSessionDuration, String createDate, List<String> policies) {
    }

    /** Custom policies of each account (system policies are the same everywhere and listed in the README). */
    public record PolicyView(String accountId, String policyName, String policyType, String description,
                             String createDate) {
    }

    public record SecretView(String accountId, String secretName, String secretType, String arn, String createTime,
                             String lastRotationDate, List<SecretVersionView> versions) {
    }

    /**
     * @param accessKeyId the AccessKeyId inside the version's SecretData when it holds one (RAM credentials);
     *                    the secret data itself is never shown
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SecretVersionView(String versionId, List<String> stages, String createTime, String accessKeyId) {
    }

    /**
     * A live STS session (its secret and token are never shown).
     *
     * @param sourceAccessKeyId the key that called AssumeRole: deleting a leaked key does not end the sessions
     *                          it opened, so remediation needs to see them
     */
    public record SessionView(String accessKeyId, String accountId, String roleName, String roleId,
                              String sessionName, String expiration, String sourceAccessKeyId) {
    }

    /**
     * A Security Center AccessKey-leak record (see {@code POST /admin/security-center/leaks}).
     *
     * @param firstDetected ISO-8601 UTC, what the list call's GmtModified and StartTs are about
     * @param status        pending or dealed
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeakView(String accountId, long id, String accessKeyId, String source, String url,
                           String firstDetected, String lastDetected, String status, String dealType,
                           String dealTime, String whitelistStatus, String remark) {
    }
}
