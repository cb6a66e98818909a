package io.leakguard.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mutable entities of the emulated cloud. Every field is guarded by the {@link CloudState} lock: code
 * outside {@code CloudState.read/write} never touches these objects.
 */
final class Model {

    static final String SYSTEM = "System";
    static final String CUSTOM = "Custom";

    final Map<String, Account> accounts = new TreeMap<>();
    final Map<String, AccessKey> keys = new HashMap<>();
    /** Deleted keys, remembered so that later attempts to use them still land in the owner's audit trail. */
    final Map<String, AccessKey> deletedKeys = new HashMap<>();
    final Map<String, StsSession> sessions = new HashMap<>();
    final Map<String, Policy> systemPolicies = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** The last Security Center leak record ID handed out: IDs are unique across accounts, like database keys. */
    long lastLeakId;

    Model(Instant now) {
        systemPolicy(now, "AdministratorAccess", "Full access to all cloud resources",
                allow("\"*\""));
        systemPolicy(now, "ReadOnlyAccess", "Read-only access to all cloud resources (never secret values)",
                allow("[\"ram:Get*\",\"ram:List*\",\"sts:GetCallerIdentity\",\"kms:Describe*\",\"kms:List*\","
                        + "\"actiontrail:Get*\",\"actiontrail:Lookup*\",\"actiontrail:Describe*\"]"));
        systemPolicy(now, "AliyunRAMFullAccess", "Full access to RAM", allow("\"ram:*\""));
        systemPolicy(now, "AliyunRAMReadOnlyAccess", "Read-only access to RAM", allow("[\"ram:Get*\",\"ram:List*\"]"));
        systemPolicy(now, "AliyunSTSAssumeRoleAccess", "Permission to call sts:AssumeRole", allow("\"sts:AssumeRole\""));
        systemPolicy(now, "AliyunKMSFullAccess", "Full access to KMS", allow("\"kms:*\""));
        systemPolicy(now, "AliyunActionTrailFullAccess", "Full access to ActionTrail", allow("\"actiontrail:*\""));
    }

    private static String allow(String actions) {
        return "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":" + actions + ",\"Resource\":\"*\"}]}";
    }

    private void systemPolicy(Instant now, String name, String description, String document) {
        systemPolicies.put(name, new Policy(name, SYSTEM, description, PolicyDocument.parse(document), now));
    }

    Optional<Policy> policy(Account account, String type, String name) {
        if (SYSTEM.equals(type)) {
            return Optional.ofNullable(systemPolicies.get(name));
        }
        return Optional.ofNullable(account.policies.get(name));
    }

    static final class Account {
        final String id;
        String alias;
        final Instant createDate;
        final Map<String, User> users = new TreeMap<>();
        final Map<String, Role> roles = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, Group> groups = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, Policy> policies = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, Secret> secrets = new TreeMap<>();
        final Map<String, OidcProvider> oidcProviders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Set<String> rootKeyIds = new LinkedHashSet<>();
        /** Security Center AccessKey-leak records by ID (ascending, the order the list call returns them in). */
        final Map<Long, LeakRecord> leaks = new TreeMap<>();

        Account(String id, String alias, Instant createDate) {
            this.id = id;
            this.alias = alias;
            this.createDate = createDate;
        }
    }

    /** A policy attached to a user, a group or a role. */
    record Attachment(String policyType, String policyName, Instant attachDate) {
        String key() {
            return policyType + ":" + policyName.toLowerCase();
        }
    }

    static final class User {
        final String userId;
        final String userName;
        String displayName;
        String email;
        String mobilePhone;
        String comments;
        final Instant createDate;
        Instant updateDate;
        final Set<String> keyIds = new LinkedHashSet<>();
        final Map<String, Attachment> policies = new LinkedHashMap<>();
        /** The console login, or null when the user cannot sign in to the console. The password is never kept. */
        LoginProfile loginProfile;

        User(String userId, String userName, Instant createDate) {
            this.userId = userId;
            this.userName = userName;
            this.createDate = createDate;
            this.updateDate = createDate;
        }
    }

    /** A RAM user's console login settings (the password itself is checked for form, then dropped). */
    record LoginProfile(boolean passwordResetRequired, boolean mfaBindRequired, Instant createDate) {
    }

    static final class AccessKey {
        final String id;
        final String secret;
        final String accountId;
        /** The owning RAM user, or null for a root (account) key. */
        final String userName;
        String status;
        final Instant createDate;
        Instant lastUsed;
        boolean exposed;
        /** The key's network access restriction policy (IMS SetAccessKeyPolicy), or null when none was set. */
        NetworkPolicy networkPolicy;

        AccessKey(String id, String secret, String accountId, String userName, String status, Instant createDate) {
            this.id = id;
            this.secret = secret;
            this.accountId = accountId;
            this.userName = userName;
            this.status = status;
            this.createDate = createDate;
        }

        boolean isRoot() {
            return userName == null;
        }

        KeyView view() {
            return new KeyView(id, accountId, isRoot() ? KeyView.ROOT : userName, status,
                    Times.format(createDate), Times.format(lastUsed), exposed,
                    networkPolicy == null ? null : networkPolicy.text());
        }
    }

    /**
     * An AccessKey network access restriction policy as SetAccessKeyPolicy stored it: the document as given, whether it
     * is enforced (Status Active) and its ClassicWhiteList blocks (the emulator has no VPC, so VPCWhiteList statements
     * are kept but never match a call).
     */
    record NetworkPolicy(String text, boolean active, List<Cidr> classic) {
        boolean allows(String sourceIp) {
            return !active || classic.stream().anyMatch(c -> c.contains(sourceIp));
        }
    }

    static final class Role {
        final String roleId;
        final String roleName;
        String description;
        PolicyDocument trustPolicy;
        long maxSessionDuration;
        final Instant createDate;
        Instant updateDate;
        final Map<String, Attachment> policies = new LinkedHashMap<>();

        Role(String roleId, String roleName, Instant createDate) {
            this.roleId = roleId;
            this.roleName = roleName;
            this.createDate = createDate;
            this.updateDate = createDate;
        }
    }

    /**
     * A RAM user group: its members (user name to the time they joined) and the policies attached to it, which every
     * member has as if attached to the member itself.
     */
    static final class Group {
        final String groupId;
        final String groupName;
        String comments;
        final Instant createDate;
        Instant updateDate;
        final Map<String, Instant> members = new LinkedHashMap<>();
        final Map<String, Attachment> policies = new LinkedHashMap<>();

        Group(String groupId, String groupName, String comments, Instant createDate) {
            this.groupId = groupId;
            this.groupName = groupName;
            this.comments = comments;
            this.createDate = createDate;
            this.updateDate = createDate;
        }
    }

    /** A RAM OIDC identity provider with the keys its tokens are verified against. */
    static final class OidcProvider {
        final String name;
        final String issuerUrl;
        final List<String> clientIds;
        final Jwks jwks;
        final String description;
        final Instant createDate;

        OidcProvider(String name, String issuerUrl, List<String> clientIds, Jwks jwks, String description,
                     Instant createDate) {
            this.name = name;
            this.issuerUrl = issuerUrl;
            this.clientIds = List.copyOf(clientIds);
            this.jwks = jwks;
            this.description = description;
            this.createDate = createDate;
        }
    }

    static final class Policy {
        final String name;
        final String type;
        final String description;
        final PolicyDocument document;
        final Instant createDate;

        Policy(String name, String type, String description, PolicyDocument document, Instant createDate) {
            this.name = name;
            this.type = type;
            this.description = description;
            this.document = document;
            this.createDate = createDate;
        }
    }

    static final class Secret {
        final String name;
        final String type;
        String description;
        /** The ExtendedConfig JSON text, or null for Generic secrets. */
        String extendedConfig;
        final Instant createTime;
        Instant updateTime;
        Instant lastRotationDate;
        boolean automaticRotation;
        /** The rotation interval in seconds, or 0 when none was configured. */
        long rotationIntervalSeconds;
        final List<SecretVersion> versions = new ArrayList<>();

        Secret(String name, String type, Instant createTime) {
            this.name = name;
            this.type = type;
            this.createTime = createTime;
            this.updateTime = createTime;
        }

        Optional<SecretVersion> version(String versionId) {
            return versions.stream().filter(v -> v.versionId.equals(versionId)).findFirst();
        }

        Optional<SecretVersion> byStage(String stage) {
            return versions.stream().filter(v -> v.stages.contains(stage)).findFirst();
        }

        /** Adds a version as ACSCurrent; the former ACSCurrent becomes ACSPrevious, the old ACSPrevious loses its label. */
        void promote(SecretVersion version, Instant now) {
            for (SecretVersion v : versions) {
                v.stages.remove("ACSPrevious");
            }
            for (SecretVersion v : versions) {
                if (v.stages.remove("ACSCurrent")) {
                    v.stages.add("ACSPrevious");
                }
            }
            version.stages.add("ACSCurrent");
            if (!versions.contains(version)) {
                versions.add(version);
            }
            updateTime = now;
        }
    }

    static final class SecretVersion {
        final String versionId;
        final String data;
        final String dataType;
        final Instant createTime;
        final Set<String> stages = new LinkedHashSet<>();

        SecretVersion(String versionId, String data, String dataType, Instant createTime) {
            this.versionId = versionId;
            this.data = data;
            this.dataType = dataType;
            this.createTime = createTime;
        }
    }

    /** Temporary credentials issued by AssumeRole, bound to the role's RoleId at the time of issue. */
    record StsSession(String accessKeyId, String secret, String securityToken, String accountId, String roleName,
                      String roleId, String sessionName, Instant expiration, PolicyDocument sessionPolicy,
                      String sourceAccessKeyId) {
    }

    /**
     * One Security Center AccessKey-leak record: where the key was found and whether it was handled
     * ({@code DescribeAccesskeyLeakList}, {@code DescribeAccessKeyLeakDetail}, {@code ModifyAccessKeyLeakDeal}).
     */
    static final class LeakRecord {
        final long id;
        final String accessKeyId;
        /** "master" for an account's own key, "ram" for a RAM user's. */
        final String userType;
        final String aliUserName;
        final String source;
        final String url;
        final String asset;
        final String githubUser;
        final String githubRepoName;
        final String githubFileName;
        final String githubFileType;
        /** When the leak was first detected: the list's GmtModified and what StartTs filters on. */
        final Instant firstDetected;
        /** The latest detection: the detail's GmtModified. */
        Instant lastDetected;
        /** "pending" or "dealed". */
        String status = "pending";
        /** "pending" until handled, then manual, disable or add-whitelist. */
        String dealType = "pending";
        Instant dealTime;
        String whitelistStatus = "no";
        String remark;

        LeakRecord(long id, String accessKeyId, String userType, String aliUserName, String source, String url,
                   String asset, String githubUser, String githubRepoName, String githubFileName,
                   String githubFileType, Instant firstDetected) {
            this.id = id;
            this.accessKeyId = accessKeyId;
            this.userType = userType;
            this.aliUserName = aliUserName;
            this.source = source;
            this.url = url;
            this.asset = asset;
            this.githubUser = githubUser;
            this.githubRepoName = githubRepoName;
            this.githubFileName = githubFileName;
            this.githubFileType = githubFileType;
            this.firstDetected = firstDetected;
            this.lastDetected = firstDetected;
        }
    }
}
