package io.leakguard.emulator;

/**
 * The authenticated identity behind a call: an account's root, a RAM user or an assumed role.
 *
 * @param userName    the RAM user (RAM_USER only)
 * @param userId      the RAM user's UserId (RAM_USER only)
 * @param roleName    the assumed role (ASSUMED_ROLE only)
 * @param roleId      the RoleId the session was issued for (ASSUMED_ROLE only)
 * @param sessionName the RoleSessionName (ASSUMED_ROLE only)
 */
record Caller(Kind kind, String accountId, String accessKeyId, String userName, String userId, String roleName,
              String roleId, String sessionName) {

    enum Kind { ROOT, RAM_USER, ASSUMED_ROLE }

    static Caller root(String accountId, String accessKeyId) {
        return new Caller(Kind.ROOT, accountId, accessKeyId, null, null, null, null, null);
    }

    static Caller user(String accountId, String accessKeyId, String userName, String userId) {
        return new Caller(Kind.RAM_USER, accountId, accessKeyId, userName, userId, null, null, null);
    }

    static Caller assumedRole(String accountId, String accessKeyId, String roleName, String roleId, String session) {
        return new Caller(Kind.ASSUMED_ROLE, accountId, accessKeyId, null, null, roleName, roleId, session);
    }

    String arn() {
        return switch (kind) {
            case ROOT -> "acs:ram::" + accountId + ":root";
            case RAM_USER -> "acs:ram::" + accountId + ":user/" + userName;
            case ASSUMED_ROLE -> "acs:ram::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
        };
    }

    String principalId() {
        return switch (kind) {
            case ROOT -> accountId;
            case RAM_USER -> userId;
            case ASSUMED_ROLE -> roleId + ":" + sessionName;
        };
    }

    /** GetCallerIdentity's IdentityType. */
    String identityType() {
        return switch (kind) {
            case ROOT -> "Account";
            case RAM_USER -> "RAMUser";
            case ASSUMED_ROLE -> "AssumedRoleUser";
        };
    }

    /** ActionTrail's userIdentity.type. */
    String trailType() {
        return switch (kind) {
            case ROOT -> "root-account";
            case RAM_USER -> "ram-user";
            case ASSUMED_ROLE -> "assumed-role";
        };
    }

    /** ActionTrail's userIdentity.userName: "root", the user name, or "role:session". */
    String trailUserName() {
        return switch (kind) {
            case ROOT -> "root";
            case RAM_USER -> userName;
            case ASSUMED_ROLE -> roleName + ":" + sessionName;
        };
    }
}
