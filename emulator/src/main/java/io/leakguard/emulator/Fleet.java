package io.leakguard.emulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.List;

/**
 * The seed format of the emulator (the {@code --fleet} file, {@code POST /admin/fleet} and the state file).
 *
 * <p>Every list and optional field defaults when absent, so older fleet files stay valid as fields are added.
 * Policy documents may be given as JSON objects or as strings holding JSON. Secrets are part of the format
 * because a seeded key must be usable; they never appear in the admin API's state view.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Fleet(List<AccountSeed> accounts) {

    public Fleet {
        accounts = list(accounts);
    }

    /** Parses fleet JSON; unknown fields are refused so a typo does not silently seed nothing. */
    public static Fleet parse(String json) {
        try {
            return Json.MAPPER.readValue(json, Fleet.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid fleet JSON: " + Json.describe(e), e);
        }
    }

    public String toJson() {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AccountSeed(String accountId, String alias, List<KeySeed> rootKeys, List<UserSeed> users,
                              List<PolicySeed> policies, List<RoleSeed> roles, List<SecretSeed> secrets,
                              List<OidcProviderSeed> oidcProviders, List<LeakSeed> securityCenterLeaks,
                              List<GroupSeed> groups) {
        public AccountSeed {
            groups = list(groups);
            rootKeys = list(rootKeys);
            users = list(users);
            policies = list(policies);
            roles = list(roles);
            secrets = list(secrets);
            oidcProviders = list(oidcProviders);
            securityCenterLeaks = list(securityCenterLeaks);
        }

        /** An account without user groups. */
        public AccountSeed(String accountId, String alias, List<KeySeed> rootKeys, List<UserSeed> users,
                           List<PolicySeed> policies, List<RoleSeed> roles, List<SecretSeed> secrets,
                           List<OidcProviderSeed> oidcProviders, List<LeakSeed> securityCenterLeaks) {
            this(accountId, alias, rootKeys, users, policies, roles, secrets, oidcProviders, securityCenterLeaks,
                    null);
        }

        /** An account without Security Center leak records. */
        public AccountSeed(String accountId, String alias, List<KeySeed> rootKeys, List<UserSeed> users,
                           List<PolicySeed> policies, List<RoleSeed> roles, List<SecretSeed> secrets,
                           List<OidcProviderSeed> oidcProviders) {
            this(accountId, alias, rootKeys, users, policies, roles, secrets, oidcProviders, null, null);
        }

        /** An account without OIDC providers. */
        public AccountSeed(String accountId, String alias, List<KeySeed> rootKeys, List<UserSeed> users,
                           List<PolicySeed> policies, List<RoleSeed> roles, List<SecretSeed> secrets) {
            this(accountId, alias, rootKeys, users, policies, roles, secrets, null, null, null);
        }

        /** An account with root keys and users only, the common case in tests. */
        public AccountSeed(String accountId, List<KeySeed> rootKeys, List<UserSeed> users) {
            this(accountId, null, rootKeys, users, null, null, null, null, null, null);
        }
    }

    /** An AccessKey pair. {@code status} defaults to Active; dates are ISO-8601 UTC and optional. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeySeed(String accessKeyId, String accessKeySecret, String status, String createDate,
                          String lastUsed, Boolean exposed) {
        public KeySeed {
            status = status == null ? "Active" : status;
        }

        public KeySeed(String accessKeyId, String accessKeySecret) {
            this(accessKeyId, accessKeySecret, null, null, null, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserSeed(String userName, String userId, String displayName, String email, String mobilePhone,
                           String comments, String createDate, List<KeySeed> accessKeys, List<PolicyRef> policies) {
        public UserSeed {
            displayName = displayName == null ? userName : displayName;
            email = email == null ? "" : email;
            mobilePhone = mobilePhone == null ? "" : mobilePhone;
            comments = comments == null ? "" : comments;
            accessKeys = list(accessKeys);
            policies = list(policies);
        }

        public UserSeed(String userName, List<KeySeed> accessKeys) {
            this(userName, null, null, null, null, null, null, accessKeys, null);
        }
    }

    /**
     * A reference to a policy to attach. {@code policyType} may be omitted: a custom policy of the account
     * with that name is meant if one exists, otherwise the system policy.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicyRef(String policyName, String policyType) {
    }

    /** A custom policy of the account. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PolicySeed(String policyName, String description, JsonNode policyDocument) {
        public PolicySeed {
            description = description == null ? "" : description;
        }
    }

    /**
     * A RAM user group: its members (users of the same account, seeded with it or before) and attached policies,
     * which apply to every member. {@code groupId} defaults to a generated {@code g-} ID.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupSeed(String groupName, String groupId, String comments, String createDate,
                            List<MemberSeed> members, List<PolicyRef> policies) {
        public GroupSeed {
            comments = comments == null ? "" : comments;
            members = list(members);
            policies = list(policies);
        }
    }

    /**
     * A group member: the user's name and, optionally, when it joined (ISO-8601 UTC; the seeding time otherwise).
     * A plain string is a user name.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemberSeed(String userName, String joinDate) {
        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        public static MemberSeed of(String userName) {
            return new MemberSeed(userName, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RoleSeed(String roleName, String roleId, String description, JsonNode assumeRolePolicyDocument,
                           Long maxSessionDuration, String createDate, List<PolicyRef> policies) {
        public RoleSeed {
            description = description == null ? "" : description;
            maxSessionDuration = maxSessionDuration == null ? 3600L : maxSessionDuration;
            policies = list(policies);
        }
    }

    /**
     * A RAM OIDC identity provider (what CreateOIDCProvider registers, e.g. an ACK cluster's RRSA provider
     * {@code ack-rrsa-<clusterId>}): its ARN is {@code acs:ram::<accountId>:oidc-provider/<name>}.
     * See https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
     *
     * <p>The real RAM fetches the issuer's keys from {@code <issuerUrl>/.well-known/openid-configuration} and pins
     * its HTTPS certificate by fingerprint; the emulator is given the keys instead: {@code jwks} is a JSON Web Key
     * Set (RFC 7517, RSA keys with {@code kid}), as a JSON object or a string holding JSON.
     *
     * @param clientIds the audiences a token may carry ({@code sts.aliyuncs.com} for RRSA)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OidcProviderSeed(String name, String issuerUrl, List<String> clientIds, JsonNode jwks,
                                   String description, String createDate) {
        public OidcProviderSeed {
            clientIds = list(clientIds);
            description = description == null ? "" : description;
        }

        public OidcProviderSeed(String name, String issuerUrl, List<String> clientIds, JsonNode jwks) {
            this(name, issuerUrl, clientIds, jwks, null, null);
        }
    }

    /**
     * A KMS secret. Either {@code versions} or the shorthand {@code versionId} + {@code secretData} (one
     * version, ACSCurrent). {@code extendedConfig} is a JSON object or a string holding JSON.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SecretSeed(String secretName, String secretType, String description, JsonNode extendedConfig,
                             String createTime, String versionId, String secretData, List<VersionSeed> versions) {
        public SecretSeed {
            secretType = secretType == null ? "Generic" : secretType;
            description = description == null ? "" : description;
            versions = list(versions);
        }
    }

    /**
     * A Security Center AccessKey-leak record, as a saved state holds it (leaks are normally reported through the
     * admin API, not seeded). Times are ISO-8601 UTC; {@code status} is pending or dealed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LeakSeed(Long id, String accessKeyId, String userType, String aliUserName, String source,
                           String url, String asset, String githubUser, String githubRepoName, String githubFileName,
                           String githubFileType, String firstDetected, String lastDetected, String status,
                           String dealType, String dealTime, String whitelistStatus, String remark) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VersionSeed(String versionId, String secretData, List<String> stages, String createTime) {
        public VersionSeed {
            stages = list(stages);
        }
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
