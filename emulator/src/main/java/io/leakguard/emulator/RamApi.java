package io.leakguard.emulator;

import io.leakguard.emulator.Model.AccessKey;
import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.Attachment;
import io.leakguard.emulator.Model.Group;
import io.leakguard.emulator.Model.Policy;
import io.leakguard.emulator.Model.Role;
import io.leakguard.emulator.Model.User;
import io.leakguard.emulator.Product.Call;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static io.leakguard.emulator.Responses.obj;
import static io.leakguard.emulator.Responses.wrap;

/**
 * RAM, version 2015-05-01: users, AccessKeys, roles, policies and attachments, within the caller's account.
 * Arrays are wrapped ({@code {"Users":{"User":[...]}}}). Codes and statuses follow reference §2.
 */
final class RamApi {

    static final String VERSION = "2015-05-01";
    private static final int MAX_KEYS_PER_USER = 2;

    private final CloudState state;

    RamApi(CloudState state) {
        this.state = state;
    }

    Product product() {
        return new Product("Ram", VERSION, "ram", RamApi::resource)
                .read("ListUsers", this::listUsers)
                .read("GetUser", this::getUser)
                .write("CreateUser", this::createUser)
                .write("DeleteUser", this::deleteUser)
                .write("CreateLoginProfile", this::createLoginProfile)
                .read("GetLoginProfile", this::getLoginProfile)
                .write("DeleteLoginProfile", this::deleteLoginProfile)
                .read("ListAccessKeys", this::listAccessKeys)
                .write("CreateAccessKey", this::createAccessKey)
                .write("DeleteAccessKey", this::deleteAccessKey)
                .write("UpdateAccessKey", this::updateAccessKey)
                .read("GetAccessKeyLastUsed", this::getAccessKeyLastUsed)
                .read("ListRoles", this::listRoles)
                .read("GetRole", this::getRole)
                .write("CreateRole", this::createRole)
                .write("DeleteRole", this::deleteRole)
                .read("ListPoliciesForRole", c -> listPolicies(c, "Role", (a, n) -> role(a, n).policies))
                .write("AttachPolicyToRole", c -> attachPolicy(c, "Role", (a, n) -> role(a, n).policies))
                .write("DetachPolicyFromRole", c -> detachPolicy(c, "Role", (a, n) -> role(a, n).policies))
                .read("ListPoliciesForUser", c -> listPolicies(c, "User", (a, n) -> user(a, n).policies))
                .write("AttachPolicyToUser", c -> attachPolicy(c, "User", (a, n) -> user(a, n).policies))
                .write("DetachPolicyFromUser", c -> detachPolicy(c, "User", (a, n) -> user(a, n).policies))
                .write("CreateGroup", this::createGroup)
                .read("GetGroup", this::getGroup)
                .write("AddUserToGroup", this::addUserToGroup)
                .write("RemoveUserFromGroup", this::removeUserFromGroup)
                .read("ListGroupsForUser", this::listGroupsForUser)
                .read("ListPoliciesForGroup", c -> listPolicies(c, "Group", (a, n) -> group(a, n).policies))
                .write("AttachPolicyToGroup", c -> attachPolicy(c, "Group", (a, n) -> group(a, n).policies))
                .write("DetachPolicyFromGroup", c -> detachPolicy(c, "Group", (a, n) -> group(a, n).policies))
                .write("CreatePolicy", this::createPolicy)
                .read("GetPolicy", this::getPolicy);
    }

    /**
     * RAM resource ARNs: {@code acs:ram:*:<account>:user/<name>}, {@code role/..}, {@code group/..},
     * {@code policy/..}. A call naming a group and a user (AddUserToGroup) is about the group.
     */
    static String resource(String accountId, Params params) {
        String prefix = "acs:ram:*:" + accountId + ":";
        if (params.optional("RoleName") != null) {
            return prefix + "role/" + params.get("RoleName");
        }
        if (params.optional("GroupName") != null) {
            return prefix + "group/" + params.get("GroupName");
        }
        if (params.optional("UserName") != null) {
            return prefix + "user/" + params.get("UserName");
        }
        if (params.optional("PolicyName") != null) {
            return prefix + "policy/" + params.get("PolicyName");
        }
        return prefix + "*";
    }

    // ---------------------------------------------------------------- users

    private Map<String, Object> listUsers(Call call) {
        return state.locked(m -> {
            Account account = account(m, call);
            Page<User> page = page(account.users, call.params());
            return obj("IsTruncated", page.truncated(), "Marker", page.marker(),
                    "Users", wrap("User", page.items().stream().map(RamApi::userJson).toList()));
        });
    }

    private Map<String, Object> getUser(Call call) {
        String userName = call.params().required("UserName");
        return state.locked(m -> obj("User", userJson(user(account(m, call), userName))));
    }

    private Map<String, Object> createUser(Call call) {
        Params p = call.params();
        String userName = validName(p.required("UserName"), CloudState.USER_NAME, "UserName");
        return state.locked(m -> {
            Account account = account(m, call);
            if (account.users.containsKey(userName)) {
                throw ApiException.conflict("EntityAlreadyExists.User", "The user already exists.");
            }
            User user = new User(Ids.numeric(16), userName, call.now());
            user.displayName = p.optional("DisplayName") == null ? userName : p.get("DisplayName");
            user.email = nullToEmpty(p.optional("Email"));
            user.mobilePhone = nullToEmpty(p.optional("MobilePhone"));
            user.comments = nullToEmpty(p.optional("Comments"));
            account.users.put(userName, user);
            return obj("User", userJson(user));
        });
    }

    private Map<String, Object> deleteUser(Call call) {
        String userName = call.params().required("UserName");
        return state.locked(m -> {
            Account account = account(m, call);
            User user = user(account, userName);
            if (!user.keyIds.isEmpty()) {
                throw ApiException.conflict("DeleteConflict.User.AccessKey",
                        "The user CAN NOT has any access keys while deleting the user.");
            }
            if (!user.policies.isEmpty()) {
                throw ApiException.conflict("DeleteConflict.User.Policy",
                        "The user CAN NOT has any attached policy while deleting the user.");
            }
            account.users.remove(userName);
            account.groups.values().forEach(g -> g.members.remove(userName));
            return obj();
        });
    }

    // ---------------------------------------------------------------- login profiles
    // RAM 2015-05-01 CreateLoginProfile, GetLoginProfile, DeleteLoginProfile:
    // https://help.aliyun.com/en/ram/developer-reference/api-ram-2015-05-01-getloginprofile (response shape)

    private Map<String, Object> createLoginProfile(Call call) {
        Params p = call.params();
        String userName = p.required("UserName");
        String password = p.required("Password");
        if (password.length() < 8 || password.length() > 32) {
            throw ApiException.badRequest("InvalidParameter.Password",
                    "The parameter Password does not meet the password policy.");
        }
        boolean reset = Boolean.parseBoolean(p.optional("PasswordResetRequired"));
        boolean mfa = Boolean.parseBoolean(p.optional("MFABindRequired"));
        return state.locked(m -> {
            User user = user(account(m, call), userName);
            if (user.loginProfile != null) {
                throw ApiException.conflict("EntityAlreadyExists.User.LoginProfile",
                        "The login profile of the user already exists.");
            }
            user.loginProfile = new Model.LoginProfile(reset, mfa, call.now());
            return obj("LoginProfile", loginProfileJson(user));
        });
    }

    private Map<String, Object> getLoginProfile(Call call) {
        String userName = call.params().required("UserName");
        return state.locked(m -> obj("LoginProfile", loginProfileJson(loginProfileOf(user(account(m, call),
                userName)))));
    }

    private Map<String, Object> deleteLoginProfile(Call call) {
        String userName = call.params().required("UserName");
        return state.locked(m -> {
            loginProfileOf(user(account(m, call), userName)).loginProfile = null;
            return obj();
        });
    }

    private static User loginProfileOf(User user) {
        if (user.loginProfile == null) {
            throw ApiException.notFound("EntityNotExist.User.LoginProfile", "The login profile of the user does not exist.");
        }
        return user;
    }

    private static Map<String, Object> loginProfileJson(User u) {
        return obj("UserName", u.userName, "PasswordResetRequired", u.loginProfile.passwordResetRequired(),
                "MFABindRequired", u.loginProfile.mfaBindRequired(),
                "CreateDate", Times.format(u.loginProfile.createDate()));
    }

    private static Map<String, Object> userJson(User u) {
        return obj("UserId", u.userId, "UserName", u.userName, "DisplayName", u.displayName, "Email", u.email,
                "MobilePhone", u.mobilePhone, "Comments", u.comments, "CreateDate", Times.format(u.createDate),
                "UpdateDate", Times.format(u.updateDate));
    }

    // ---------------------------------------------------------------- access keys

    /** Whose keys an AccessKey call is about: the named user, or the caller itself (root or RAM user). */
    private record KeyOwner(Account account, User user) {
        Collection<String> keyIds() {
            return user == null ? account.rootKeyIds : user.keyIds;
        }
    }

    private static KeyOwner owner(Model m, Call call) {
        Account account = account(m, call);
        String userName = call.params().optional("UserName");
        if (userName != null) {
            return new KeyOwner(account, user(account, userName));
        }
        return switch (call.caller().kind()) {
            case ROOT -> new KeyOwner(account, null);
            case RAM_USER -> new KeyOwner(account, user(account, call.caller().userName()));
            case ASSUMED_ROLE -> throw ApiException.missing("UserName");
        };
    }

    private Map<String, Object> listAccessKeys(Call call) {
        return state.locked(m -> {
            KeyOwner owner = owner(m, call);
            List<Map<String, Object>> keys = owner.keyIds().stream()
                    .map(m.keys::get)
                    .map(k -> obj("AccessKeyId", k.id, "Status", k.status, "CreateDate", Times.format(k.createDate)))
                    .toList();
            return obj("AccessKeys", wrap("AccessKey", keys));
        });
    }

    private Map<String, Object> createAccessKey(Call call) {
        return state.locked(m -> {
            KeyOwner owner = owner(m, call);
            if (owner.user() != null && owner.keyIds().size() >= MAX_KEYS_PER_USER) {
                throw ApiException.conflict("LimitExceeded.User.AccessKey",
                        "The access key count of the user access keys beyond the current limits.");
            }
            AccessKey key = new AccessKey(Ids.accessKeyId(), Ids.accessKeySecret(), owner.account().id,
                    owner.user() == null ? null : owner.user().userName, "Active", call.now());
            m.keys.put(key.id, key);
            owner.keyIds().add(key.id);
            return obj("AccessKey", obj("AccessKeyId", key.id, "AccessKeySecret", key.secret,
                    "Status", key.status, "CreateDate", Times.format(key.createDate)));
        });
    }

    private Map<String, Object> deleteAccessKey(Call call) {
        String keyId = call.params().required("UserAccessKeyId");
        return state.locked(m -> {
            KeyOwner owner = owner(m, call);
            ownedKey(m, owner, keyId);
            deleteKey(m, owner.account(), keyId);
            return obj();
        });
    }

    /** Removes a key for good; its next use is refused with InvalidAccessKeyId.NotFound. */
    static void deleteKey(Model m, Account account, String keyId) {
        AccessKey key = m.keys.remove(keyId);
        if (key == null) {
            return;
        }
        m.deletedKeys.put(keyId, key);
        if (key.isRoot()) {
            account.rootKeyIds.remove(keyId);
        } else {
            User user = account.users.get(key.userName);
            if (user != null) {
                user.keyIds.remove(keyId);
            }
        }
    }

    private Map<String, Object> updateAccessKey(Call call) {
        String keyId = call.params().required("UserAccessKeyId");
        String status = call.params().required("Status");
        if (!status.equals("Active") && !status.equals("Inactive")) {
            throw Params.invalid("Status", "must be Active or Inactive");
        }
        return state.locked(m -> {
            ownedKey(m, owner(m, call), keyId).status = status;
            return obj();
        });
    }

    private Map<String, Object> getAccessKeyLastUsed(Call call) {
        String keyId = call.params().required("UserAccessKeyId");
        return state.locked(m -> {
            AccessKey key = ownedKey(m, owner(m, call), keyId);
            return obj("AccessKeyLastUsed", obj("LastUsedDate", Times.format(key.lastUsed)));
        });
    }

    private static AccessKey ownedKey(Model m, KeyOwner owner, String keyId) {
        if (!owner.keyIds().contains(keyId)) {
            throw ApiException.notFound("EntityNotExist.User.AccessKey", "The user access key does not exist.");
        }
        return m.keys.get(keyId);
    }

    // ---------------------------------------------------------------- roles

    private Map<String, Object> listRoles(Call call) {
        return state.locked(m -> {
            Account account = account(m, call);
            Page<Role> page = page(account.roles, call.params());
            List<Map<String, Object>> roles = page.items().stream()
                    .map(r -> obj("RoleId", r.roleId, "RoleName", r.roleName,
                            "Arn", CloudState.roleArn(account.id, r.roleName), "Description", r.description,
                            "MaxSessionDuration", r.maxSessionDuration, "CreateDate", Times.format(r.createDate),
                            "UpdateDate", Times.format(r.updateDate)))
                    .toList();
            return obj("IsTruncated", page.truncated(), "Marker", page.marker(), "Roles", wrap("Role", roles));
        });
    }

    private Map<String, Object> getRole(Call call) {
        String roleName = call.params().required("RoleName");
        return state.locked(m -> {
            Account account = account(m, call);
            return obj("Role", roleJson(account, role(account, roleName)));
        });
    }

    private static Map<String, Object> roleJson(Account account, Role r) {
        return obj("RoleId", r.roleId, "RoleName", r.roleName, "Arn", CloudState.roleArn(account.id, r.roleName),
                "Description", r.description, "AssumeRolePolicyDocument", r.trustPolicy.text(),
                "MaxSessionDuration", r.maxSessionDuration, "CreateDate", Times.format(r.createDate),
                "UpdateDate", Times.format(r.updateDate));
    }

    private Map<String, Object> createRole(Call call) {
        Params p = call.params();
        String roleName = validName(p.required("RoleName"), CloudState.ROLE_NAME, "RoleName");
        PolicyDocument trust = document(p.required("AssumeRolePolicyDocument"));
        Integer maxSession = p.integer("MaxSessionDuration", 3600, 43200);
        return state.locked(m -> {
            Account account = account(m, call);
            if (account.roles.containsKey(roleName)) {
                throw ApiException.conflict("EntityAlreadyExists.Role", "The role already exists.");
            }
            Role role = new Role(Ids.numeric(19), roleName, call.now());
            role.description = nullToEmpty(p.optional("Description"));
            role.trustPolicy = trust;
            role.maxSessionDuration = maxSession == null ? 3600 : maxSession;
            account.roles.put(roleName, role);
            return obj("Role", roleJson(account, role));
        });
    }

    private Map<String, Object> deleteRole(Call call) {
        String roleName = call.params().required("RoleName");
        return state.locked(m -> {
            Account account = account(m, call);
            Role role = role(account, roleName);
            if (!role.policies.isEmpty()) {
                throw ApiException.conflict("DeleteConflict.Role.Policy",
                        "The role CAN NOT has any attached policy while deleting the role.");
            }
            account.roles.remove(roleName);
            return obj();
        });
    }

    // ---------------------------------------------------------------- groups
    // RAM 2015-05-01 CreateGroup, GetGroup, AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser,
    // ListPoliciesForGroup, AttachPolicyToGroup, DetachPolicyFromGroup; response shapes as documented, e.g.
    // https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listgroupsforuser
    // ({"Groups":{"Group":[{"GroupId","GroupName","Comments","JoinDate"}]}}). A group's policies apply to its members.

    private Map<String, Object> createGroup(Call call) {
        Params p = call.params();
        String groupName = validName(p.required("GroupName"), CloudState.GROUP_NAME, "GroupName");
        return state.locked(m -> {
            Account account = account(m, call);
            if (account.groups.containsKey(groupName)) {
                throw ApiException.conflict("EntityAlreadyExists.Group", "The group already exists.");
            }
            Group group = new Group(Ids.groupId(), groupName, nullToEmpty(p.optional("Comments")), call.now());
            account.groups.put(groupName, group);
            return obj("Group", groupJson(group));
        });
    }

    private Map<String, Object> getGroup(Call call) {
        String groupName = call.params().required("GroupName");
        return state.locked(m -> obj("Group", groupJson(group(account(m, call), groupName))));
    }

    private Map<String, Object> addUserToGroup(Call call) {
        String userName = call.params().required("UserName");
        String groupName = call.params().required("GroupName");
        return state.locked(m -> {
            Account account = account(m, call);
            Group group = group(account, groupName);
            user(account, userName);
            if (group.members.putIfAbsent(userName, call.now()) != null) {
                throw ApiException.conflict("EntityAlreadyExists.User.Group", "The user is already in the group.");
            }
            return obj();
        });
    }

    private Map<String, Object> removeUserFromGroup(Call call) {
        String userName = call.params().required("UserName");
        String groupName = call.params().required("GroupName");
        return state.locked(m -> {
            Account account = account(m, call);
            Group group = group(account, groupName);
            user(account, userName);
            if (group.members.remove(userName) == null) {
                throw ApiException.notFound("EntityNotExist.User.Group", "The user is not in the group.");
            }
            return obj();
        });
    }

    private Map<String, Object> listGroupsForUser(Call call) {
        String userName = call.params().required("UserName");
        return state.locked(m -> {
            Account account = account(m, call);
            user(account, userName);
            List<Map<String, Object>> groups = new ArrayList<>();
            for (Group g : account.groups.values()) {
                Instant joined = g.members.get(userName);
                if (joined != null) {
                    groups.add(obj("GroupId", g.groupId, "GroupName", g.groupName, "Comments", g.comments,
                            "JoinDate", Times.format(joined)));
                }
            }
            return obj("Groups", wrap("Group", groups));
        });
    }

    private static Map<String, Object> groupJson(Group g) {
        return obj("GroupId", g.groupId, "GroupName", g.groupName, "Comments", g.comments,
                "CreateDate", Times.format(g.createDate), "UpdateDate", Times.format(g.updateDate));
    }

    static Group group(Account account, String groupName) {
        Group group = account.groups.get(groupName);
        if (group == null) {
            throw ApiException.notFound("EntityNotExist.Group", "The group does not exist.");
        }
        return group;
    }

    // ---------------------------------------------------------------- policies

    private Map<String, Object> createPolicy(Call call) {
        Params p = call.params();
        String name = validName(p.required("PolicyName"), CloudState.POLICY_NAME, "PolicyName");
        PolicyDocument document = document(p.required("PolicyDocument"));
        return state.locked(m -> {
            Account account = account(m, call);
            if (account.policies.containsKey(name) || m.systemPolicies.containsKey(name)) {
                throw ApiException.conflict("EntityAlreadyExists.Policy", "The policy already exists.");
            }
            Policy policy = new Policy(name, Model.CUSTOM, nullToEmpty(p.optional("Description")), document,
                    call.now());
            account.policies.put(name, policy);
            return obj("Policy", obj("PolicyName", policy.name, "PolicyType", policy.type,
                    "Description", policy.description, "DefaultVersion", "v1",
                    "CreateDate", Times.format(policy.createDate)));
        });
    }

    private Map<String, Object> getPolicy(Call call) {
        String type = policyType(call.params());
        String name = call.params().required("PolicyName");
        return state.locked(m -> {
            Account account = account(m, call);
            Policy policy = policy(m, account, type, name);
            long attachments = account.users.values().stream()
                    .filter(u -> u.policies.containsKey(type + ":" + policy.name.toLowerCase())).count()
                    + account.roles.values().stream()
                    .filter(r -> r.policies.containsKey(type + ":" + policy.name.toLowerCase())).count()
                    + account.groups.values().stream()
                    .filter(g -> g.policies.containsKey(type + ":" + policy.name.toLowerCase())).count();
            String created = Times.format(policy.createDate);
            return obj("Policy", obj("PolicyName", policy.name, "PolicyType", policy.type,
                            "Description", policy.description, "DefaultVersion", "v1",
                            "PolicyDocument", policy.document.text(), "AttachmentCount", attachments,
                            "CreateDate", created, "UpdateDate", created),
                    "DefaultPolicyVersion", obj("VersionId", "v1", "IsDefaultVersion", true,
                            "PolicyDocument", policy.document.text(), "CreateDate", created));
        });
    }

    /** The policy attachments of the user, group or role of an account named {@code name}; refused if none. */
    private interface Attachments {
        Map<String, Attachment> of(Account account, String name);
    }

    /** ListPoliciesFor{User,Group,Role}: the entity is named by {@code <Entity>Name}. */
    private Map<String, Object> listPolicies(Call call, String entity, Attachments attachments) {
        String name = call.params().required(entity + "Name");
        return state.locked(m -> {
            Account account = account(m, call);
            return policiesJson(m, account, attachments.of(account, name).values());
        });
    }

    private Map<String, Object> attachPolicy(Call call, String entity, Attachments attachments) {
        String name = call.params().required(entity + "Name");
        return state.locked(m -> {
            Account account = account(m, call);
            attach(m, account, call.params(), attachments.of(account, name), entity, call.now());
            return obj();
        });
    }

    private Map<String, Object> detachPolicy(Call call, String entity, Attachments attachments) {
        String name = call.params().required(entity + "Name");
        return state.locked(m -> {
            Account account = account(m, call);
            detach(m, account, call.params(), attachments.of(account, name), entity);
            return obj();
        });
    }

    private static Map<String, Object> policiesJson(Model m, Account account, Collection<Attachment> attachments) {
        List<Map<String, Object>> policies = new ArrayList<>();
        for (Attachment a : attachments) {
            String description = m.policy(account, a.policyType(), a.policyName()).map(p -> p.description).orElse("");
            policies.add(obj("PolicyName", a.policyName(), "PolicyType", a.policyType(), "Description", description,
                    "DefaultVersion", "v1", "AttachDate", Times.format(a.attachDate())));
        }
        return obj("Policies", wrap("Policy", policies));
    }

    private static void attach(Model m, Account account, Params params, Map<String, Attachment> attachments,
                               String entity, Instant now) {
        String type = policyType(params);
        Policy policy = policy(m, account, type, params.required("PolicyName"));
        Attachment attachment = new Attachment(policy.type, policy.name, now);
        if (attachments.containsKey(attachment.key())) {
            throw ApiException.conflict("EntityAlreadyExists." + entity + ".Policy",
                    "The policy is already attached to the " + entity.toLowerCase() + ".");
        }
        long sameType = attachments.values().stream().filter(a -> a.policyType().equals(type)).count();
        if (sameType >= (type.equals(Model.SYSTEM) ? 20 : 5)) {
            throw ApiException.conflict("LimitExceeded." + entity + ".Policy",
                    "The count of attached policies beyond the current limits.");
        }
        attachments.put(attachment.key(), attachment);
    }

    private static void detach(Model m, Account account, Params params, Map<String, Attachment> attachments,
                               String entity) {
        String type = policyType(params);
        Policy policy = policy(m, account, type, params.required("PolicyName"));
        if (attachments.remove(type + ":" + policy.name.toLowerCase()) == null) {
            throw ApiException.notFound("EntityNotExist." + entity + ".Policy",
                    "The policy is not attached to the " + entity.toLowerCase() + ".");
        }
    }

    private static String policyType(Params params) {
        String type = params.required("PolicyType");
        if (!type.equals(Model.SYSTEM) && !type.equals(Model.CUSTOM)) {
            throw ApiException.badRequest("InvalidParameter.PolicyType", "PolicyType must be System or Custom.");
        }
        return type;
    }

    private static Policy policy(Model m, Account account, String type, String name) {
        return m.policy(account, type, name).orElseThrow(() ->
                ApiException.notFound("EntityNotExist.Policy", "The policy does not exist."));
    }

    private static PolicyDocument document(String text) {
        try {
            return PolicyDocument.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("MalformedPolicyDocument", "The policy document is malformed: "
                    + e.getMessage() + ".");
        }
    }

    // ---------------------------------------------------------------- shared

    static Account account(Model m, Call call) {
        return m.accounts.get(call.caller().accountId());
    }

    static User user(Account account, String userName) {
        User user = account.users.get(userName);
        if (user == null) {
            throw ApiException.notFound("EntityNotExist.User", "The user does not exist.");
        }
        return user;
    }

    static Role role(Account account, String roleName) {
        Role role = account.roles.get(roleName);
        if (role == null) {
            throw ApiException.notFound("EntityNotExist.Role", "The role does not exist.");
        }
        return role;
    }

    private static String validName(String name, Pattern pattern, String parameter) {
        if (name.length() > 64 && !parameter.equals("PolicyName") || name.length() > 128) {
            throw ApiException.badRequest("InvalidParameter." + parameter + ".Length",
                    "The parameter " + parameter + " is too long.");
        }
        if (!pattern.matcher(name).matches()) {
            throw ApiException.badRequest("InvalidParameter." + parameter + ".InvalidChars",
                    "The parameter " + parameter + " contains invalid characters.");
        }
        return name;
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }

    /** One page of a name-sorted listing: {@code Marker} is the opaque name where the next page starts. */
    private record Page<T>(List<T> items, boolean truncated, String marker) {
    }

    private static <T> Page<T> page(Map<String, T> byName, Params params) {
        int maxItems = params.integer("MaxItems", 1, 1000) == null ? 100 : params.integer("MaxItems", 1, 1000);
        NavigableMap<String, T> sorted = byName instanceof NavigableMap<String, T> nav ? nav : new TreeMap<>(byName);
        String marker = params.optional("Marker");
        if (marker != null) {
            sorted = sorted.tailMap(Responses.unmarker(marker, "Marker"), true);
        }
        List<T> items = new ArrayList<>();
        String next = null;
        for (Map.Entry<String, T> e : sorted.entrySet()) {
            if (items.size() == maxItems) {
                next = e.getKey();
                break;
            }
            items.add(e.getValue());
        }
        return new Page<>(items, next != null, next == null ? null : Responses.marker(next));
    }
}
