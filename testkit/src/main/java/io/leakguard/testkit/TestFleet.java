package io.leakguard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Fleet;
import io.leakguard.emulator.Fleet.AccountSeed;
import io.leakguard.emulator.Fleet.GroupSeed;
import io.leakguard.emulator.Fleet.KeySeed;
import io.leakguard.emulator.Fleet.OidcProviderSeed;
import io.leakguard.emulator.Fleet.PolicyRef;
import io.leakguard.emulator.Fleet.PolicySeed;
import io.leakguard.emulator.Fleet.RoleSeed;
import io.leakguard.emulator.Fleet.SecretSeed;
import io.leakguard.emulator.Fleet.UserSeed;
import io.leakguard.emulator.Fleet.VersionSeed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The emulator's seed ({@link Fleet}) for a test, written fluently instead of as JSON:
 *
 * <pre>{@code
 * TestFleet.account(home)
 *     .user("leakguard", u -> u.key(operatorId, operatorSecret).systemPolicy("AliyunSTSAssumeRoleAccess"))
 *     .and().account(member)
 *     .user("alice", u -> u.email("alice@example.com").key(aliceKey, aliceSecret))
 *     .role("leakguard", r -> r.trustAccount(home).systemPolicy("AliyunRAMFullAccess"))
 *     .seed(emulator);
 * }</pre>
 *
 * <p>The builders are mutable and not thread-safe; {@link Builder#build()} returns the emulator's immutable {@link Fleet},
 * whose JSON Jackson writes, so no value needs escaping by hand. {@link Builder#seed(Emulator)} goes through that
 * JSON, the path the hand-written seeds took. It covers what the tests use, not the whole format: no user or role IDs,
 * no key status or last use, no display names.
 */
public final class TestFleet {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestFleet() {}

  /** {@code acs:ram::<accountId>:oidc-provider/<name>}. */
  public static String oidcProviderArn(String accountId, String name) {
    return "acs:ram::" + accountId + ":oidc-provider/" + name;
  }

  /** The RRSA trust policy document: {@code sts:AssumeRole} for the provider, on its issuer, audience and subject. */
  public static String rrsaTrustPolicy(String providerArn, String issuerUrl, String subject) {
    try {
      var statement = JSON.createObjectNode();
      statement.put("Effect", "Allow").put("Action", "sts:AssumeRole");
      statement.putObject("Principal").putArray("Federated").add(providerArn);
      statement.putObject("Condition").putObject("StringEquals")
          .put("oidc:aud", "sts.aliyuncs.com").put("oidc:iss", issuerUrl).put("oidc:sub", subject);
      var document = JSON.createObjectNode().put("Version", "1");
      document.putArray("Statement").add(statement);
      return JSON.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts a fleet with its first account. */
  public static Account account(String accountId) {
    return new Builder().account(accountId);
  }

  /** The fleet: its accounts in the order they were added. */
  public static final class Builder {
    private final List<Account> accounts = new ArrayList<>();

    private Builder() {}

    /** Adds an account; seeding an account the emulator already has adds to it. */
    public Account account(String accountId) {
      Account account = new Account(this, accountId);
      accounts.add(account);
      return account;
    }

    public Fleet build() {
      return new Fleet(accounts.stream().map(Account::seed).toList());
    }

    public String toJson() {
      return build().toJson();
    }

    /** Seeds the fleet into the emulator (adding to what it holds). */
    public void seed(Emulator emulator) {
      emulator.state().seedJson(toJson());
    }
  }

  /** One account; {@link #build()}, {@link #toJson()} and {@link #seed(Emulator)} act on the whole fleet. */
  public static final class Account {
    private final Builder fleet;
    private final String accountId;
    private String alias;
    private final List<KeySeed> rootKeys = new ArrayList<>();
    private final List<PolicySeed> policies = new ArrayList<>();
    private final List<User> users = new ArrayList<>();
    private final List<Role> roles = new ArrayList<>();
    private final List<Secret> secrets = new ArrayList<>();
    private final List<OidcProviderSeed> oidcProviders = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();

    private Account(Builder fleet, String accountId) {
      this.fleet = fleet;
      this.accountId = accountId;
    }

    public String accountId() {
      return accountId;
    }

    public Account alias(String alias) {
      this.alias = alias;
      return this;
    }

    /** An AccessKey of the account itself (root). */
    public Account rootKey(String accessKeyId, String accessKeySecret) {
      rootKeys.add(new KeySeed(accessKeyId, accessKeySecret));
      return this;
    }

    /** A custom policy of the account; {@code document} is the policy's JSON. */
    public Account policy(String policyName, String document) {
      policies.add(new PolicySeed(policyName, null, parse(document, "policy " + policyName)));
      return this;
    }

    /** A RAM user with no key and no policy. */
    public Account user(String userName) {
      return user(userName, u -> {});
    }

    public Account user(String userName, Consumer<User> user) {
      User built = new User(userName);
      user.accept(built);
      users.add(built);
      return this;
    }

    public Account role(String roleName, Consumer<Role> role) {
      Role built = new Role(roleName);
      role.accept(built);
      roles.add(built);
      return this;
    }

    /** A RAM user group of the account; its members are users of the account. */
    public Account group(String groupName, Consumer<Group> group) {
      Group built = new Group(groupName);
      group.accept(built);
      groups.add(built);
      return this;
    }

    /** A KMS secret of the account. */
    public Account secret(String secretName, Consumer<Secret> secret) {
      Secret built = new Secret(secretName);
      secret.accept(built);
      secrets.add(built);
      return this;
    }

    /**
     * A RAM OIDC identity provider trusting tokens of {@code issuerUrl} signed by a key of {@code jwksJson}, for the
     * given audiences (RRSA: {@code sts.aliyuncs.com}). Its ARN is {@link TestFleet#oidcProviderArn}.
     */
    public Account oidcProvider(String name, String issuerUrl, String jwksJson, String... clientIds) {
      oidcProviders.add(new OidcProviderSeed(name, issuerUrl, List.of(clientIds), parse(jwksJson, "JWKS of " + name)));
      return this;
    }

    /** Back to the fleet, to add another account. */
    public Builder and() {
      return fleet;
    }

    public Fleet build() {
      return fleet.build();
    }

    public String toJson() {
      return fleet.toJson();
    }

    public void seed(Emulator emulator) {
      fleet.seed(emulator);
    }

    private AccountSeed seed() {
      return new AccountSeed(accountId, alias, rootKeys, users.stream().map(User::seed).toList(), policies,
          roles.stream().map(Role::seed).toList(), secrets.stream().map(Secret::seed).toList(), oidcProviders, null,
          groups.stream().map(Group::seed).toList());
    }
  }

  /** A RAM user of an account. */
  public static final class User {
    private final String userName;
    private String email;
    private String mobilePhone;
    private final List<KeySeed> keys = new ArrayList<>();
    private final List<PolicyRef> policies = new ArrayList<>();

    private User(String userName) {
      this.userName = userName;
    }

    public User email(String email) {
      this.email = email;
      return this;
    }

    /** The user's mobile phone as RAM keeps it, e.g. {@code 86-18600008888}. */
    public User mobilePhone(String mobilePhone) {
      this.mobilePhone = mobilePhone;
      return this;
    }

    /** An Active AccessKey created when it is seeded. */
    public User key(String accessKeyId, String accessKeySecret) {
      keys.add(new KeySeed(accessKeyId, accessKeySecret));
      return this;
    }

    /** An Active AccessKey created at {@code createDate}, for a key that must look old. */
    public User key(String accessKeyId, String accessKeySecret, Instant createDate) {
      keys.add(new KeySeed(accessKeyId, accessKeySecret, null, createDate.toString(), null, null));
      return this;
    }

    /** Attaches a system policy, e.g. {@code AdministratorAccess}. */
    public User systemPolicy(String policyName) {
      policies.add(new PolicyRef(policyName, "System"));
      return this;
    }

    /** Attaches a custom policy of the user's account (see {@link Account#policy}). */
    public User customPolicy(String policyName) {
      policies.add(new PolicyRef(policyName, "Custom"));
      return this;
    }

    private UserSeed seed() {
      return new UserSeed(userName, null, null, email, mobilePhone, null, null, keys, policies);
    }
  }

  /** A RAM role of an account. */
  public static final class Role {
    private final String roleName;
    private String description;
    private JsonNode trustPolicy;
    private Duration maxSessionDuration;
    private final List<PolicyRef> policies = new ArrayList<>();

    private Role(String roleName) {
      this.roleName = roleName;
    }

    public Role description(String description) {
      this.description = description;
      return this;
    }

    /**
     * The trust policy lets the given account's identities assume the role (Principal {@code acs:ram::<id>:root}),
     * as a member account's role trusts the home account. Required: the emulator refuses a role without a trust
     * policy.
     */
    public Role trustAccount(String accountId) {
      trustPolicy = parse("""
          {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
            "Principal":{"RAM":["acs:ram::%s:root"]}}]}""".formatted(accountId), "trust policy of " + roleName);
      return this;
    }

    /**
     * The trust policy of an RRSA role: tokens of the OIDC provider whose issuer, audience ({@code sts.aliyuncs.com})
     * and subject ({@code system:serviceaccount:<namespace>:<name>}) match may assume the role, as ACK documents it
     * (https://www.alibabacloud.com/help/en/ack/serverless-kubernetes/user-guide/use-rrsa-to-authorize-pods-to-access-different-cloud-services).
     */
    public Role trustOidc(String providerArn, String issuerUrl, String subject) {
      trustPolicy = parse(rrsaTrustPolicy(providerArn, issuerUrl, subject), "trust policy of " + roleName);
      return this;
    }

    /** Any trust policy, as JSON. */
    public Role trustPolicy(String json) {
      trustPolicy = parse(json, "trust policy of " + roleName);
      return this;
    }

    /** The longest STS session of the role; the emulator's default is one hour. Whole seconds. */
    public Role maxSessionDuration(Duration maxSessionDuration) {
      this.maxSessionDuration = maxSessionDuration;
      return this;
    }

    public Role systemPolicy(String policyName) {
      policies.add(new PolicyRef(policyName, "System"));
      return this;
    }

    /** Attaches a custom policy of the account (see {@link Account#policy}). */
    public Role customPolicy(String policyName) {
      policies.add(new PolicyRef(policyName, "Custom"));
      return this;
    }

    private RoleSeed seed() {
      return new RoleSeed(roleName, null, description, trustPolicy,
          maxSessionDuration == null ? null : maxSessionDuration.toSeconds(), null, policies);
    }
  }

  /** A RAM user group: its members and the policies attached to it (which its members have). */
  public static final class Group {
    private final String groupName;
    private final List<Fleet.MemberSeed> members = new ArrayList<>();
    private final List<PolicyRef> policies = new ArrayList<>();

    private Group(String groupName) {
      this.groupName = groupName;
    }

    public Group member(String userName) {
      members.add(Fleet.MemberSeed.of(userName));
      return this;
    }

    public Group systemPolicy(String policyName) {
      policies.add(new PolicyRef(policyName, "System"));
      return this;
    }

    /** Attaches a custom policy of the account (see {@link Account#policy}). */
    public Group customPolicy(String policyName) {
      policies.add(new PolicyRef(policyName, "Custom"));
      return this;
    }

    private GroupSeed seed() {
      return new GroupSeed(groupName, null, null, null, members, policies);
    }
  }

  /** A KMS secret: its type (the emulator's default is Generic), extended configuration and versions. */
  public static final class Secret {
    private final String secretName;
    private String type;
    private JsonNode extendedConfig;
    private final List<VersionSeed> versions = new ArrayList<>();

    private Secret(String secretName) {
      this.secretName = secretName;
    }

    /** E.g. {@code RAMCredentials}, for a secret KMS rotates by managing a RAM user's key. */
    public Secret type(String secretType) {
      this.type = secretType;
      return this;
    }

    /** The secret's extended configuration, as JSON. */
    public Secret extendedConfig(String json) {
      this.extendedConfig = parse(json, "extendedConfig of secret " + secretName);
      return this;
    }

    /** A version holding {@code secretData}, with its stages, e.g. {@code ACSCurrent}. */
    public Secret version(String versionId, String secretData, String... stages) {
      versions.add(new VersionSeed(versionId, secretData, List.of(stages), null));
      return this;
    }

    private SecretSeed seed() {
      return new SecretSeed(secretName, type, null, extendedConfig, null, null, null, versions);
    }
  }

  private static JsonNode parse(String json, String what) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
