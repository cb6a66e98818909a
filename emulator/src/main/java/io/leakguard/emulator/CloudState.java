package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakguard.emulator.Fleet.AccountSeed;
import io.leakguard.emulator.Fleet.GroupSeed;
import io.leakguard.emulator.Fleet.MemberSeed;
import io.leakguard.emulator.Fleet.KeySeed;
import io.leakguard.emulator.Fleet.LeakSeed;
import io.leakguard.emulator.Fleet.OidcProviderSeed;
import io.leakguard.emulator.Fleet.PolicyRef;
import io.leakguard.emulator.Fleet.PolicySeed;
import io.leakguard.emulator.Fleet.RoleSeed;
import io.leakguard.emulator.Fleet.SecretSeed;
import io.leakguard.emulator.Fleet.UserSeed;
import io.leakguard.emulator.Fleet.VersionSeed;
import io.leakguard.emulator.Model.AccessKey;
import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.Attachment;
import io.leakguard.emulator.Model.Group;
import io.leakguard.emulator.Model.LeakRecord;
import io.leakguard.emulator.Model.OidcProvider;
import io.leakguard.emulator.Model.Policy;
import io.leakguard.emulator.Model.Role;
import io.leakguard.emulator.Model.Secret;
import io.leakguard.emulator.Model.SecretVersion;
import io.leakguard.emulator.Model.User;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The in-memory cloud: accounts, RAM users, roles, policies, AccessKeys, STS sessions and KMS secrets.
 *
 * <p>Thread-safe through one lock. Everything done under it is CPU-only (no I/O, no sleeping), so the lock is
 * held for microseconds; request parsing, signature checks and response writing happen outside it.
 */
public final class CloudState {

    static final Pattern ACCOUNT_ID = Pattern.compile("\\d{16}");
    static final Pattern USER_NAME = Pattern.compile("[a-zA-Z0-9.@_-]{1,64}");
    static final Pattern ROLE_NAME = Pattern.compile("[a-zA-Z0-9.@-]{1,64}");
    static final Pattern GROUP_NAME = Pattern.compile("[a-zA-Z0-9.-]{1,64}");
    static final Pattern OIDC_PROVIDER_NAME = Pattern.compile("[a-zA-Z0-9.-]{1,128}");
    static final Pattern POLICY_NAME = Pattern.compile("[a-zA-Z0-9-]{1,128}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9]{8,64}");

    private final Object lock = new Object();
    private final Clock clock;
    private final String region;
    /** Replaced wholesale by {@link #restore(Fleet)}; guarded by {@code lock}. */
    private Model model;

    public CloudState(Clock clock, String region) {
        this.clock = clock;
        this.region = region;
        this.model = new Model(clock.instant());
    }

    public CloudState() {
        this(Clock.systemUTC(), "cn-hangzhou");
    }

    public String region() {
        return region;
    }

    Clock clock() {
        return clock;
    }

    /** Runs a read or an update of the model under the lock. The function must do no I/O. */
    <T> T locked(Function<Model, T> work) {
        synchronized (lock) {
            return work.apply(model);
        }
    }

    public Optional<KeyView> key(String accessKeyId) {
        return locked(m -> Optional.ofNullable(m.keys.get(accessKeyId)).map(AccessKey::view));
    }

    /** Marks a key as publicly exposed (or clears the mark). Returns false if the key does not exist. */
    public boolean markExposed(String accessKeyId, boolean exposed) {
        return markExposed(accessKeyId, exposed, null);
    }

    /**
     * Marks a key as publicly exposed (or clears the mark). Marking it exposed is what the real cloud does when
     * Security Center finds the key in public: the owner account also gets a pending Security Center leak record,
     * described by {@code where} (source, URL, repository; defaults when null). Returns false if the key does not
     * exist.
     */
    public boolean markExposed(String accessKeyId, boolean exposed, LeakReport where) {
        return locked(m -> {
            AccessKey key = m.keys.get(accessKeyId);
            if (key == null) {
                return false;
            }
            key.exposed = exposed;
            if (exposed) {
                LeakReport report = where == null ? LeakReport.of(accessKeyId) : where;
                record(m, new LeakReport(key.accountId, accessKeyId, report.source(), report.url(),
                        report.githubUser(), report.githubRepoName(), report.githubFileName(),
                        report.githubFileType()));
            }
            return true;
        });
    }

    /**
     * What Security Center learnt about a leaked AccessKey: the source that reported it (e.g. {@code GitHub}) and
     * where. {@code accountId} may be null when the key still exists (its owner is meant).
     */
    public record LeakReport(String accountId, String accessKeyId, String source, String url, String githubUser,
                             String githubRepoName, String githubFileName, String githubFileType) {
        public static LeakReport of(String accessKeyId) {
            return new LeakReport(null, accessKeyId, null, null, null, null, null, null);
        }
    }

    /**
     * Records a Security Center AccessKey-leak in the key's account, as Security Center does when it finds a key in
     * public: a new pending record, or, when a pending record of the same key and URL exists, that record with its
     * latest detection moved to now.
     *
     * @throws IllegalArgumentException when the key is unknown and no account is named, or the account differs from
     *                                  the key's owner
     */
    public StateSnapshot.LeakView reportLeak(LeakReport report) {
        require(report.accessKeyId() != null && KEY_ID.matcher(report.accessKeyId()).matches(),
                "accessKeyId must be 8..64 alphanumerics");
        require(report.accountId() == null || ACCOUNT_ID.matcher(report.accountId()).matches(),
                "accountId must be 16 digits, got " + report.accountId());
        return locked(m -> {
            LeakRecord leak = record(m, report);
            return leakView(leak.id, m);
        });
    }

    private LeakRecord record(Model m, LeakReport report) {
        AccessKey key = m.keys.get(report.accessKeyId());
        if (key == null) {
            key = m.deletedKeys.get(report.accessKeyId());
        }
        String accountId = report.accountId() != null ? report.accountId() : key == null ? null : key.accountId;
        require(accountId != null, "no AccessKey " + report.accessKeyId() + ": name the accountId it belongs to");
        require(key == null || key.accountId.equals(accountId),
                "AccessKey " + report.accessKeyId() + " belongs to another account than " + accountId);
        Account account = m.accounts.get(accountId);
        require(account != null, "no account " + accountId);
        // Security Center's times have whole seconds (its examples: 1612357897000), so several leaks can share one.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (LeakRecord existing : account.leaks.values()) {
            if (existing.status.equals("pending") && existing.accessKeyId.equals(report.accessKeyId())
                    && Objects.equals(existing.url, report.url())) {
                existing.lastDetected = now;
                return existing;
            }
        }
        boolean root = key != null && key.isRoot();
        LeakRecord leak = new LeakRecord(++m.lastLeakId, report.accessKeyId(), root ? "master" : "ram",
                key == null || key.isRoot() ? account.alias : key.userName,
                report.source() == null ? "GitHub" : report.source(), report.url(), "Cloud platform",
                report.githubUser(), report.githubRepoName(), report.githubFileName(), report.githubFileType(), now);
        account.leaks.put(leak.id, leak);
        return leak;
    }

    private static StateSnapshot.LeakView leakView(long id, Model m) {
        for (Account a : m.accounts.values()) {
            LeakRecord l = a.leaks.get(id);
            if (l != null) {
                return leakView(a, l);
            }
        }
        throw new IllegalStateException("no leak record " + id);
    }

    private static StateSnapshot.LeakView leakView(Account a, LeakRecord l) {
        return new StateSnapshot.LeakView(a.id, l.id, l.accessKeyId, l.source, l.url, Times.format(l.firstDetected),
                Times.format(l.lastDetected), l.status, l.dealType, Times.format(l.dealTime), l.whitelistStatus,
                l.remark);
    }

    public void seedJson(String json) {
        seed(Fleet.parse(json));
    }

    /**
     * Adds or updates everything the fleet describes. Seeding the same fleet twice changes nothing.
     * The whole fleet is validated before anything is applied, so a bad fleet leaves the state untouched.
     *
     * @throws IllegalArgumentException naming the offending entry when the fleet is invalid or conflicts
     *                                  with the current state (e.g. a key ID already owned by someone else)
     */
    public void seed(Fleet fleet) {
        validate(fleet);
        locked(m -> {
            checkConflicts(m, fleet);
            Instant now = clock.instant();
            for (AccountSeed seed : fleet.accounts()) {
                apply(m, seed, now);
            }
            return null;
        });
    }

    /**
     * Replaces the whole state by the fleet (typically a saved state file). Live STS sessions are dropped.
     * The new state is built aside and swapped in, so a bad fleet leaves the current state untouched.
     */
    public void restore(Fleet fleet) {
        validate(fleet);
        locked(current -> {
            Model fresh = new Model(clock.instant());
            checkConflicts(fresh, fleet);
            Instant now = clock.instant();
            for (AccountSeed seed : fleet.accounts()) {
                apply(fresh, seed, now);
            }
            model = fresh;
            return null;
        });
    }

    // ---------------------------------------------------------------- seeding

    private static void validate(Fleet fleet) {
        if (fleet == null) {
            throw new IllegalArgumentException("the fleet is empty");
        }
        for (AccountSeed a : fleet.accounts()) {
            require(a.accountId() != null && ACCOUNT_ID.matcher(a.accountId()).matches(),
                    "accountId must be 16 digits, got " + a.accountId());
            for (KeySeed k : a.rootKeys()) {
                validateKey(a.accountId() + " root key", k);
            }
            for (PolicySeed p : a.policies()) {
                require(p.policyName() != null && POLICY_NAME.matcher(p.policyName()).matches(),
                        "policyName must match " + POLICY_NAME + ", got " + p.policyName());
                parseDocument(p.policyDocument(), "policy " + p.policyName());
            }
            for (UserSeed u : a.users()) {
                require(u.userName() != null && USER_NAME.matcher(u.userName()).matches(),
                        "userName must match " + USER_NAME + ", got " + u.userName());
                require(!KeyView.ROOT.equals(u.userName()), "a RAM user cannot be named root");
                for (KeySeed k : u.accessKeys()) {
                    validateKey("user " + u.userName() + " key", k);
                }
                require(u.accessKeys().size() <= 2, "user " + u.userName() + " has more than 2 AccessKeys");
                u.policies().forEach(ref -> require(ref != null && ref.policyName() != null,
                        "user " + u.userName() + " has a policy without policyName"));
            }
            for (RoleSeed r : a.roles()) {
                require(r.roleName() != null && ROLE_NAME.matcher(r.roleName()).matches(),
                        "roleName must match " + ROLE_NAME + ", got " + r.roleName());
                parseDocument(r.assumeRolePolicyDocument(), "role " + r.roleName() + " assumeRolePolicyDocument");
                require(r.maxSessionDuration() >= 3600 && r.maxSessionDuration() <= 43200,
                        "role " + r.roleName() + " maxSessionDuration must be 3600..43200");
            }
            for (GroupSeed g : a.groups()) {
                require(g.groupName() != null && GROUP_NAME.matcher(g.groupName()).matches(),
                        "groupName must match " + GROUP_NAME + ", got " + g.groupName());
                g.members().forEach(member -> require(member != null && member.userName() != null,
                        "group " + g.groupName() + " has a member without userName"));
                g.policies().forEach(ref -> require(ref != null && ref.policyName() != null,
                        "group " + g.groupName() + " has a policy without policyName"));
            }
            for (OidcProviderSeed o : a.oidcProviders()) {
                require(o.name() != null && OIDC_PROVIDER_NAME.matcher(o.name()).matches(),
                        "OIDC provider name must match " + OIDC_PROVIDER_NAME + ", got " + o.name());
                require(o.issuerUrl() != null && o.issuerUrl().startsWith("https://") && o.issuerUrl().length() <= 255,
                        "OIDC provider " + o.name() + ": issuerUrl must be an https URL of at most 255 characters");
                require(!o.clientIds().isEmpty() && o.clientIds().size() <= 50
                                && o.clientIds().stream().allMatch(c -> c != null && !c.isBlank()),
                        "OIDC provider " + o.name() + ": give 1 to 50 clientIds");
                parseJwks(o.jwks(), "OIDC provider " + o.name());
            }
            Set<Long> leakIds = new HashSet<>();
            for (LeakSeed l : a.securityCenterLeaks()) {
                require(l.id() != null && l.id() > 0 && leakIds.add(l.id()),
                        a.accountId() + ": each Security Center leak needs a positive id of its own");
                require(l.accessKeyId() != null && KEY_ID.matcher(l.accessKeyId()).matches(),
                        "Security Center leak " + l.id() + ": accessKeyId must be 8..64 alphanumerics");
                require(Times.parseOrNull(l.firstDetected()) != null,
                        "Security Center leak " + l.id() + ": firstDetected must be an ISO-8601 UTC time");
                require(l.status() == null || l.status().equals("pending") || l.status().equals("dealed"),
                        "Security Center leak " + l.id() + ": status must be pending or dealed");
            }
            for (SecretSeed s : a.secrets()) {
                require(s.secretName() != null && !s.secretName().isBlank(), "a secret needs secretName");
                require(s.secretData() == null || s.versions().isEmpty(),
                        "secret " + s.secretName() + ": give either secretData or versions, not both");
                for (VersionSeed v : s.versions()) {
                    require(v.versionId() != null && v.secretData() != null,
                            "secret " + s.secretName() + ": each version needs versionId and secretData");
                }
            }
        }
    }

    private static void validateKey(String what, KeySeed k) {
        require(k != null && k.accessKeyId() != null && KEY_ID.matcher(k.accessKeyId()).matches(),
                what + ": accessKeyId must be 8..64 alphanumerics");
        require(k.accessKeySecret() != null && !k.accessKeySecret().isBlank(),
                what + " " + k.accessKeyId() + ": accessKeySecret is required");
        require(k.status().equals("Active") || k.status().equals("Inactive"),
                what + " " + k.accessKeyId() + ": status must be Active or Inactive");
    }

    private static Jwks parseJwks(JsonNode node, String what) {
        try {
            return Jwks.parse(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    private static PolicyDocument parseDocument(JsonNode node, String what) {
        try {
            return PolicyDocument.parse(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A key ID may be seeded again only for the same owner with the same secret. */
    private static void checkConflicts(Model m, Fleet fleet) {
        Map<String, String> seen = new HashMap<>();
        for (AccountSeed a : fleet.accounts()) {
            checkRolesAndSecrets(m, a);
            for (KeySeed k : a.rootKeys()) {
                checkKey(m, seen, k, a.accountId(), null);
            }
            for (UserSeed u : a.users()) {
                for (KeySeed k : u.accessKeys()) {
                    checkKey(m, seen, k, a.accountId(), u.userName());
                }
                Account existing = m.accounts.get(a.accountId());
                u.policies().forEach(ref -> checkRef(m, existing, a, ref, "user " + u.userName()));
                User user = existing == null ? null : existing.users.get(u.userName());
                if (user != null) {
                    long added = u.accessKeys().stream().filter(k -> !user.keyIds.contains(k.accessKeyId())).count();
                    require(user.keyIds.size() + added <= 2,
                            "user " + u.userName() + " would have more than 2 AccessKeys");
                }
            }
        }
    }

    /** Pre-checks what {@link #apply} would otherwise fail on half-way, so seeding is all or nothing. */
    private static void checkRolesAndSecrets(Model m, AccountSeed a) {
        Account existing = m.accounts.get(a.accountId());
        for (RoleSeed r : a.roles()) {
            r.policies().forEach(ref -> checkRef(m, existing, a, ref, "role " + r.roleName()));
        }
        for (GroupSeed g : a.groups()) {
            g.policies().forEach(ref -> checkRef(m, existing, a, ref, "group " + g.groupName()));
            for (MemberSeed member : g.members()) {
                boolean seeded = a.users().stream().anyMatch(u -> u.userName().equals(member.userName()));
                require(seeded || existing != null && existing.users.containsKey(member.userName()),
                        "group " + g.groupName() + ": no user named " + member.userName());
            }
        }
        for (SecretSeed s : a.secrets()) {
            Secret secret = existing == null ? null : existing.secrets.get(s.secretName());
            List<VersionSeed> versions = s.secretData() != null
                    ? List.of(new VersionSeed(s.versionId() == null ? "v1" : s.versionId(), s.secretData(), null, null))
                    : s.versions();
            for (VersionSeed v : versions) {
                Optional<SecretVersion> version = secret == null ? Optional.empty() : secret.version(v.versionId());
                require(version.isEmpty() || version.get().data.equals(v.secretData()),
                        "secret " + s.secretName() + " version " + v.versionId() + " exists with other data");
            }
        }
    }

    private static void checkRef(Model m, Account existing, AccountSeed a, PolicyRef ref, String what) {
        boolean seededCustom = a.policies().stream().anyMatch(p -> p.policyName().equalsIgnoreCase(ref.policyName()));
        boolean existingCustom = existing != null && existing.policies.containsKey(ref.policyName());
        boolean system = m.systemPolicies.containsKey(ref.policyName());
        boolean found = ref.policyType() == null ? seededCustom || existingCustom || system
                : ref.policyType().equals(Model.SYSTEM) ? system
                : ref.policyType().equals(Model.CUSTOM) && (seededCustom || existingCustom);
        require(found, what + ": no " + (ref.policyType() == null ? "" : ref.policyType() + " ")
                + "policy named " + ref.policyName());
    }

    private static void checkKey(Model m, Map<String, String> seen, KeySeed k, String accountId,
                                 String userName) {
        String owner = accountId + "/" + (userName == null ? KeyView.ROOT : userName) + "/" + k.accessKeySecret();
        String previous = seen.putIfAbsent(k.accessKeyId(), owner);
        require(previous == null || previous.equals(owner), "accessKeyId " + k.accessKeyId() + " appears twice");
        AccessKey existing = m.keys.get(k.accessKeyId());
        if (existing != null) {
            boolean same = existing.accountId.equals(accountId)
                    && Objects.equals(existing.userName, userName)
                    && existing.secret.equals(k.accessKeySecret());
            require(same, "accessKeyId " + k.accessKeyId() + " already exists with another owner or secret");
        }
    }

    private void apply(Model m, AccountSeed seed, Instant now) {
        Account account = m.accounts.computeIfAbsent(seed.accountId(), id -> new Account(id, seed.alias(), now));
        if (seed.alias() != null) {
            account.alias = seed.alias();
        }
        for (KeySeed k : seed.rootKeys()) {
            AccessKey key = upsertKey(m, account, null, k, now);
            account.rootKeyIds.add(key.id);
        }
        for (PolicySeed p : seed.policies()) {
            Policy existing = account.policies.get(p.policyName());
            PolicyDocument document = PolicyDocument.parse(p.policyDocument());
            Instant created = existing == null ? now : existing.createDate;
            account.policies.put(p.policyName(),
                    new Policy(p.policyName(), Model.CUSTOM, p.description(), document, created));
        }
        for (UserSeed u : seed.users()) {
            User user = account.users.get(u.userName());
            if (user == null) {
                String userId = u.userId() != null ? u.userId() : Ids.numeric(16);
                user = new User(userId, u.userName(), parseOr(u.createDate(), now));
                account.users.put(u.userName(), user);
            }
            user.displayName = u.displayName();
            user.email = u.email();
            user.mobilePhone = u.mobilePhone();
            user.comments = u.comments();
            for (KeySeed k : u.accessKeys()) {
                AccessKey key = upsertKey(m, account, u.userName(), k, now);
                user.keyIds.add(key.id);
            }
            for (PolicyRef ref : u.policies()) {
                Attachment attachment = resolve(m, account, ref, "user " + u.userName(), now);
                user.policies.putIfAbsent(attachment.key(), attachment);
            }
        }
        for (RoleSeed r : seed.roles()) {
            Role existing = account.roles.get(r.roleName());
            Role role = existing;
            if (existing == null || (r.roleId() != null && !r.roleId().equals(existing.roleId))) {
                String roleId = r.roleId() != null ? r.roleId() : Ids.numeric(19);
                role = new Role(roleId, r.roleName(), parseOr(r.createDate(), now));
                account.roles.put(r.roleName(), role);
            }
            role.description = r.description();
            role.trustPolicy = PolicyDocument.parse(r.assumeRolePolicyDocument());
            role.maxSessionDuration = r.maxSessionDuration();
            for (PolicyRef ref : r.policies()) {
                Attachment attachment = resolve(m, account, ref, "role " + r.roleName(), now);
                role.policies.putIfAbsent(attachment.key(), attachment);
            }
        }
        for (GroupSeed g : seed.groups()) {
            Group group = account.groups.get(g.groupName());
            if (group == null) {
                group = new Group(g.groupId() != null ? g.groupId() : Ids.groupId(), g.groupName(), g.comments(),
                        parseOr(g.createDate(), now));
                account.groups.put(g.groupName(), group);
            }
            group.comments = g.comments();
            for (MemberSeed member : g.members()) {
                group.members.putIfAbsent(member.userName(), parseOr(member.joinDate(), now));
            }
            for (PolicyRef ref : g.policies()) {
                Attachment attachment = resolve(m, account, ref, "group " + g.groupName(), now);
                group.policies.putIfAbsent(attachment.key(), attachment);
            }
        }
        for (OidcProviderSeed o : seed.oidcProviders()) {
            // Seeding a provider again replaces its issuer, client IDs and keys, as UpdateOIDCProvider would.
            OidcProvider existing = account.oidcProviders.get(o.name());
            account.oidcProviders.put(o.name(), new OidcProvider(o.name(), o.issuerUrl(), o.clientIds(),
                    Jwks.parse(o.jwks()), o.description(),
                    existing != null ? existing.createDate : parseOr(o.createDate(), now)));
        }
        for (SecretSeed s : seed.secrets()) {
            applySecret(account, s, now);
        }
        for (LeakSeed l : seed.securityCenterLeaks()) {
            Instant first = Times.parseOrNull(l.firstDetected());
            LeakRecord leak = new LeakRecord(l.id(), l.accessKeyId(), l.userType() == null ? "ram" : l.userType(),
                    l.aliUserName(), l.source() == null ? "GitHub" : l.source(), l.url(),
                    l.asset() == null ? "Cloud platform" : l.asset(), l.githubUser(), l.githubRepoName(),
                    l.githubFileName(), l.githubFileType(), first);
            leak.lastDetected = parseOr(l.lastDetected(), first);
            leak.status = l.status() == null ? "pending" : l.status();
            leak.dealType = l.dealType() == null ? "pending" : l.dealType();
            leak.dealTime = Times.parseOrNull(l.dealTime());
            leak.whitelistStatus = l.whitelistStatus() == null ? "no" : l.whitelistStatus();
            leak.remark = l.remark();
            account.leaks.put(leak.id, leak);
            m.lastLeakId = Math.max(m.lastLeakId, leak.id);
        }
    }

    private static AccessKey upsertKey(Model m, Account account, String userName, KeySeed k, Instant now) {
        AccessKey key = m.keys.get(k.accessKeyId());
        if (key == null) {
            key = new AccessKey(k.accessKeyId(), k.accessKeySecret(), account.id, userName, k.status(),
                    parseOr(k.createDate(), now));
            m.keys.put(key.id, key);
        }
        key.status = k.status();
        if (k.lastUsed() != null) {
            key.lastUsed = Times.parseOrNull(k.lastUsed());
        }
        if (k.exposed() != null) {
            key.exposed = k.exposed();
        }
        return key;
    }

    private static Attachment resolve(Model m, Account account, PolicyRef ref, String what, Instant now) {
        String type = ref.policyType();
        if (type == null) {
            type = account.policies.containsKey(ref.policyName()) ? Model.CUSTOM : Model.SYSTEM;
        }
        String finalType = type;
        Policy policy = m.policy(account, type, ref.policyName()).orElseThrow(() -> new IllegalArgumentException(
                what + ": no " + finalType + " policy named " + ref.policyName()));
        return new Attachment(policy.type, policy.name, now);
    }

    private static void applySecret(Account account, SecretSeed s, Instant now) {
        Secret secret = account.secrets.get(s.secretName());
        if (secret == null) {
            secret = new Secret(s.secretName(), s.secretType(), parseOr(s.createTime(), now));
            account.secrets.put(secret.name, secret);
        }
        secret.description = s.description();
        if (s.extendedConfig() != null && !s.extendedConfig().isNull()) {
            secret.extendedConfig = s.extendedConfig().isTextual() ? s.extendedConfig().asText()
                    : s.extendedConfig().toString();
        }
        List<VersionSeed> versions = s.versions();
        if (s.secretData() != null) {
            versions = List.of(new VersionSeed(s.versionId() == null ? "v1" : s.versionId(), s.secretData(),
                    null, null));
        }
        for (VersionSeed v : versions) {
            Optional<SecretVersion> existing = secret.version(v.versionId());
            if (existing.isPresent()) {
                require(existing.get().data.equals(v.secretData()),
                        "secret " + s.secretName() + " version " + v.versionId() + " exists with other data");
                continue;
            }
            SecretVersion version = new SecretVersion(v.versionId(), v.secretData(), "text",
                    parseOr(v.createTime(), now));
            if (v.stages().isEmpty()) {
                // A version without stages is a new value: it becomes ACSCurrent, as PutSecretValue would do.
                secret.promote(version, now);
            } else {
                // Explicit stages (e.g. a saved state) are placed exactly, each taken from whoever held it.
                secret.versions.add(version);
                for (String stage : v.stages()) {
                    secret.versions.forEach(other -> other.stages.remove(stage));
                    version.stages.add(stage);
                }
            }
        }
    }

    private static Instant parseOr(String text, Instant fallback) {
        Instant parsed = Times.parseOrNull(text);
        return parsed == null ? fallback : parsed;
    }

    // ---------------------------------------------------------------- views

    /** A consistent copy of the state without any secret: what the admin API shows. */
    public StateSnapshot snapshot() {
        return locked(m -> {
            List<StateSnapshot.AccountView> accounts = new ArrayList<>();
            List<StateSnapshot.UserView> users = new ArrayList<>();
            List<KeyView> keys = new ArrayList<>();
            List<StateSnapshot.RoleView> roles = new ArrayList<>();
            List<StateSnapshot.PolicyView> policies = new ArrayList<>();
            List<StateSnapshot.GroupView> groups = new ArrayList<>();
            List<StateSnapshot.SecretView> secrets = new ArrayList<>();
            for (Account a : m.accounts.values()) {
                accounts.add(new StateSnapshot.AccountView(a.id, a.alias));
                a.rootKeyIds.forEach(id -> keys.add(m.keys.get(id).view()));
                for (User u : a.users.values()) {
                    users.add(new StateSnapshot.UserView(a.id, u.userName, u.userId, u.displayName, u.email,
                            u.mobilePhone, u.comments, Times.format(u.createDate), names(u.policies.values()),
                            u.loginProfile != null));
                    u.keyIds.forEach(id -> keys.add(m.keys.get(id).view()));
                }
                for (Role r : a.roles.values()) {
                    roles.add(new StateSnapshot.RoleView(a.id, r.roleName, r.roleId, roleArn(a.id, r.roleName),
                            r.description, r.maxSessionDuration, Times.format(r.createDate),
                            names(r.policies.values())));
                }
                for (Group g : a.groups.values()) {
                    groups.add(new StateSnapshot.GroupView(a.id, g.groupName, g.groupId, g.comments,
                            Times.format(g.createDate), List.copyOf(g.members.keySet()), names(g.policies.values())));
                }
                for (Policy p : a.policies.values()) {
                    policies.add(new StateSnapshot.PolicyView(a.id, p.name, p.type, p.description,
                            Times.format(p.createDate)));
                }
                for (Secret s : a.secrets.values()) {
                    List<StateSnapshot.SecretVersionView> versions = new ArrayList<>();
                    for (SecretVersion v : s.versions) {
                        versions.add(new StateSnapshot.SecretVersionView(v.versionId, List.copyOf(v.stages),
                                Times.format(v.createTime), accessKeyIdIn(v.data).orElse(null)));
                    }
                    secrets.add(new StateSnapshot.SecretView(a.id, s.name, s.type, secretArn(a.id, s.name),
                            Times.format(s.createTime), Times.format(s.lastRotationDate), versions));
                }
            }
            Instant now = clock.instant();
            List<StateSnapshot.SessionView> sessions = m.sessions.values().stream()
                    .filter(s -> s.expiration().isAfter(now))
                    .map(s -> new StateSnapshot.SessionView(s.accessKeyId(), s.accountId(), s.roleName(),
                            s.roleId(), s.sessionName(), Times.format(s.expiration()),
                            s.sourceAccessKeyId()))
                    .toList();
            List<StateSnapshot.LeakView> leaks = new ArrayList<>();
            for (Account a : m.accounts.values()) {
                a.leaks.values().forEach(l -> leaks.add(leakView(a, l)));
            }
            return new StateSnapshot(accounts, users, keys, roles, policies, secrets, sessions, leaks, groups);
        });
    }

    /**
     * The whole state, secrets included, in the fleet format: what the state file holds. Seeding the
     * result into an empty emulator reproduces users, keys (with their IDs and dates), roles (with their
     * RoleIds), policies, groups and their members, attachments and secret versions. STS sessions are deliberately not saved.
     */
    public Fleet export() {
        return locked(m -> {
            List<AccountSeed> accounts = new ArrayList<>();
            for (Account a : m.accounts.values()) {
                List<KeySeed> rootKeys = a.rootKeyIds.stream().map(id -> keySeed(m.keys.get(id))).toList();
                List<PolicySeed> policies = a.policies.values().stream()
                        .map(p -> new PolicySeed(p.name, p.description, tree(p.document.text()))).toList();
                List<UserSeed> users = a.users.values().stream()
                        .map(u -> new UserSeed(u.userName, u.userId, u.displayName, u.email, u.mobilePhone,
                                u.comments, Times.format(u.createDate),
                                u.keyIds.stream().map(id -> keySeed(m.keys.get(id))).toList(),
                                refs(u.policies.values())))
                        .toList();
                List<RoleSeed> roles = a.roles.values().stream()
                        .map(r -> new RoleSeed(r.roleName, r.roleId, r.description, tree(r.trustPolicy.text()),
                                r.maxSessionDuration, Times.format(r.createDate), refs(r.policies.values())))
                        .toList();
                List<SecretSeed> secrets = a.secrets.values().stream()
                        .map(s -> new SecretSeed(s.name, s.type, s.description,
                                s.extendedConfig == null ? null : tree(s.extendedConfig),
                                Times.format(s.createTime), null, null,
                                s.versions.stream().map(v -> new VersionSeed(v.versionId, v.data,
                                        List.copyOf(v.stages), Times.format(v.createTime))).toList()))
                        .toList();
                List<OidcProviderSeed> oidcProviders = a.oidcProviders.values().stream()
                        .map(o -> new OidcProviderSeed(o.name, o.issuerUrl, o.clientIds, tree(o.jwks.text()),
                                o.description, Times.format(o.createDate)))
                        .toList();
                List<LeakSeed> leaks = a.leaks.values().stream()
                        .map(l -> new LeakSeed(l.id, l.accessKeyId, l.userType, l.aliUserName, l.source, l.url,
                                l.asset, l.githubUser, l.githubRepoName, l.githubFileName, l.githubFileType,
                                Times.format(l.firstDetected), Times.format(l.lastDetected), l.status, l.dealType,
                                Times.format(l.dealTime), l.whitelistStatus, l.remark))
                        .toList();
                List<GroupSeed> groups = a.groups.values().stream()
                        .map(g -> new GroupSeed(g.groupName, g.groupId, g.comments, Times.format(g.createDate),
                                g.members.entrySet().stream()
                                        .map(e -> new MemberSeed(e.getKey(), Times.format(e.getValue()))).toList(),
                                refs(g.policies.values())))
                        .toList();
                accounts.add(new AccountSeed(a.id, a.alias, rootKeys, users, policies, roles, secrets,
                        oidcProviders, leaks, groups));
            }
            return new Fleet(accounts);
        });
    }

    private static KeySeed keySeed(AccessKey k) {
        return new KeySeed(k.id, k.secret, k.status, Times.format(k.createDate), Times.format(k.lastUsed),
                k.exposed ? Boolean.TRUE : null);
    }

    private static List<PolicyRef> refs(Collection<Attachment> attachments) {
        return attachments.stream().map(a -> new PolicyRef(a.policyName(), a.policyType())).toList();
    }

    private static List<String> names(Collection<Attachment> attachments) {
        return attachments.stream().map(a -> a.policyType() + ":" + a.policyName()).toList();
    }

    private static JsonNode tree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(json);
        }
    }

    // ---------------------------------------------------------------- shared naming rules

    static String roleArn(String accountId, String roleName) {
        return "acs:ram::" + accountId + ":role/" + roleName.toLowerCase();
    }

    String secretArn(String accountId, String secretName) {
        return "acs:kms:" + region + ":" + accountId + ":secret/" + secretName;
    }

    /**
     * The AccessKeyId held in secret data, if the data is a JSON object carrying one (directly, as RAM
     * credential secrets return it, or in the creation form {@code {"AccessKeys":[{...}]}}).
     */
    static Optional<String> accessKeyIdIn(String secretData) {
        if (secretData == null || !secretData.trim().startsWith("{")) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(secretData);
            if (node.path("AccessKeyId").isTextual()) {
                return Optional.of(node.path("AccessKeyId").asText());
            }
            JsonNode first = node.path("AccessKeys").path(0).path("AccessKeyId");
            return first.isTextual() ? Optional.of(first.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
