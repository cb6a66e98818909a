package io.leakguard.remediator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.schemas.EnumWords;
import io.leakguard.schemas.RemediationMode;
import io.leakguard.schemas.RemediationStrategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the remediator may do, per account with optional overrides per RAM user or role. JSON, because the project
 * already depends on Jackson and a policy file is small (README "Remediation policy" has a complete example):
 *
 * <pre>
 * {"default":  {"mode":"auto","accessKey":"replace-first","whenTwoKeys":"revoke-first","contain":false,
 *               "stsToken":"purge"},
 *  "accounts": {"1000000000000001": {"mode":"approve","contain":true,
 *                                    "users": {"ci-bot": {"mode":"auto","managedSecret":"ci-bot-ak"}},
 *                                    "roles": {"app": {"stsToken":"reincarnate"}}}}}
 * </pre>
 *
 * Each level overrides only the fields it sets: default, then the account, then the user or role. Every entry is
 * validated when the file is loaded; an error names the entry ({@code accounts.1000000000000001.users.ci-bot.mode})
 * and, for a closed set, lists the allowed words. The words are the enums' ({@link EnumWords}: {@code dry-run} is
 * {@link RemediationMode#DRY_RUN}).
 */
public final class RemediationPolicy {

  /** What to do about an ID-only exposure (the probe proved the secret found with the ID wrong). */
  public enum IdOnly {
    /** Tell the owner and the security team; touch nothing. */
    NOTIFY,
    /** Remediate as if the pair were valid. */
    ROTATE
  }

  // Set.copyOf: an EnumSet is mutable, and these are shared constants.
  public static final Set<RemediationMode> MODES = Set.copyOf(EnumSet.allOf(RemediationMode.class));
  public static final Set<RemediationStrategy> KEY_STRATEGIES = Set.of(RemediationStrategy.REPLACE_FIRST,
      RemediationStrategy.REVOKE_FIRST, RemediationStrategy.ESCALATE);
  public static final Set<RemediationStrategy> TWO_KEY_FALLBACKS = Set.of(RemediationStrategy.REVOKE_FIRST,
      RemediationStrategy.ESCALATE);
  public static final Set<RemediationStrategy> STS_STRATEGIES = Set.of(RemediationStrategy.PURGE,
      RemediationStrategy.REINCARNATE, RemediationStrategy.DENY_NEW_IPS, RemediationStrategy.ESCALATE);
  private static final Set<IdOnly> ID_ONLY = Set.copyOf(EnumSet.allOf(IdOnly.class));
  private static final Set<String> RULE_FIELDS = Set.of("mode", "accessKey", "whenTwoKeys", "contain", "stsToken",
      "managedSecret", "idOnly", "persistence", "containment", "knownNetworks");

  /** How a key that must wait ({@code contain: true}) is contained. */
  public enum Containment {
    /**
     * An AccessKey network access restriction policy (IMS SetAccessKeyPolicy) that allows only the addresses the key
     * was used from before the leak and the rule's {@code knownNetworks}: its applications keep working, the
     * attacker's calls are refused. Disabling is the fallback when no address is known or IMS refuses.
     */
    RESTRICT,
    /** UpdateAccessKey Inactive: every caller, legitimate or not, is refused. */
    DISABLE
  }

  private static final Set<Containment> CONTAINMENTS = Set.copyOf(EnumSet.allOf(Containment.class));

  /** What the persistence sweep may do about one kind of thing the leaked credential created or changed. */
  public enum Sweep {
    /** Undo it: delete the key or login profile, detach the policy. */
    REVERT,
    /** Take a created user's way in (its keys, its console login) and leave the user for a person to delete. */
    CONTAIN,
    /** List it in the outcome and the notifications; touch nothing. */
    REPORT
  }

  /**
   * The kinds of persistence, each with the words it accepts and its default: the leaked key's own AccessKeys are
   * the same leak (revert), a user it created is contained, login profiles and policy attachments are reverted,
   * roles (a trust policy can only be restored from evidence) and ECS commands or instances are reported.
   */
  public static final Map<String, Set<Sweep>> SWEEP_KINDS = Map.of(
      "accessKeys", Set.of(Sweep.REVERT, Sweep.REPORT),
      "users", Set.of(Sweep.CONTAIN, Sweep.REPORT),
      "loginProfiles", Set.of(Sweep.REVERT, Sweep.REPORT),
      "policies", Set.of(Sweep.REVERT, Sweep.REPORT),
      "roles", Set.of(Sweep.REPORT),
      "ecs", Set.of(Sweep.REPORT));
  public static final Map<String, Sweep> SWEEP_DEFAULTS = Map.of("accessKeys", Sweep.REVERT, "users", Sweep.CONTAIN,
      "loginProfiles", Sweep.REVERT, "policies", Sweep.REVERT, "roles", Sweep.REPORT, "ecs", Sweep.REPORT);

  /**
   * The rule for one credential.
   *
   * @param mode          auto (act at once), approve (wait for a person), dry-run (plan, touch nothing)
   * @param accessKey     replace-first, revoke-first or escalate, for RAM user AccessKeys
   * @param whenTwoKeys   what to do when the user already has two keys: revoke-first or escalate
   * @param contain       whether to disable the key (UpdateAccessKey Inactive, reversible) while waiting for approval
   * @param stsToken      purge, reincarnate or escalate, for STS tokens
   * @param managedSecret the KMS RAMCredentials secret managing the user's key, when its name is not the template's
   * @param idOnly        an ID-only exposure (the probe proved the secret found with the ID wrong): notify (tell the
   *                      owner and the security team, touch nothing) or rotate
   * @param persistence   what the sweep does about each kind of persistence ({@link #SWEEP_KINDS})
   * @param containment   how a waiting key is contained: restrict (network policy; disabling is the fallback) or
   *                      disable
   * @param knownNetworks addresses and CIDR blocks that are always the credential's own (office egress, NAT
   *                      gateways): kept working by network containment and deny-new-ips beside the addresses
   *                      ActionTrail saw before the leak
   */
  public record Rule(RemediationMode mode, RemediationStrategy accessKey, RemediationStrategy whenTwoKeys,
      boolean contain, RemediationStrategy stsToken, String managedSecret, IdOnly idOnly,
      Map<String, Sweep> persistence, Containment containment, java.util.List<String> knownNetworks) {

    public Rule {
      knownNetworks = java.util.List.copyOf(knownNetworks);
    }

    /** The rule with the default containment (restrict) and no known networks. */
    public Rule(RemediationMode mode, RemediationStrategy accessKey, RemediationStrategy whenTwoKeys,
        boolean contain, RemediationStrategy stsToken, String managedSecret, IdOnly idOnly,
        Map<String, Sweep> persistence) {
      this(mode, accessKey, whenTwoKeys, contain, stsToken, managedSecret, idOnly, persistence,
          Containment.RESTRICT, java.util.List.of());
    }

    /** The rule without persistence settings of its own: the defaults. */
    public Rule(RemediationMode mode, RemediationStrategy accessKey, RemediationStrategy whenTwoKeys,
        boolean contain, RemediationStrategy stsToken, String managedSecret, IdOnly idOnly) {
      this(mode, accessKey, whenTwoKeys, contain, stsToken, managedSecret, idOnly, SWEEP_DEFAULTS);
    }
  }

  /**
   * The built-in default: auto, replace-first, fall back to revoke-first, no containment, STS purge, ID-only notify,
   * the sweep's defaults ({@link #SWEEP_DEFAULTS}).
   */
  public static final Rule DEFAULT_RULE = new Rule(RemediationMode.AUTO, RemediationStrategy.REPLACE_FIRST,
      RemediationStrategy.REVOKE_FIRST, false, RemediationStrategy.PURGE, null, IdOnly.NOTIFY);

  private record AccountRules(JsonNode account, Map<String, JsonNode> users, Map<String, JsonNode> roles) {}

  private final JsonNode defaults;
  private final Map<String, AccountRules> accounts;

  private RemediationPolicy(JsonNode defaults, Map<String, AccountRules> accounts) {
    this.defaults = defaults;
    this.accounts = accounts;
  }

  public static RemediationPolicy builtIn() {
    return new RemediationPolicy(null, Map.of());
  }

  public static RemediationPolicy load(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read policy file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses and validates a policy; the message of the exception names the bad entry. */
  public static RemediationPolicy parse(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("the policy is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the policy must be a JSON object with 'default' and/or 'accounts'");
    }
    onlyFields(root, Set.of("default", "accounts"), "(top level)");
    JsonNode defaults = root.get("default");
    if (defaults != null) {
      validateRule(defaults, "default");
    }
    Map<String, AccountRules> accounts = new LinkedHashMap<>();
    JsonNode list = root.path("accounts");
    if (!list.isMissingNode() && !list.isObject()) {
      throw new IllegalArgumentException("accounts: must be an object keyed by account ID");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String where = "accounts." + entry.getKey();
      if (!entry.getKey().matches("\\d{16}")) {
        throw new IllegalArgumentException(where + ": '" + entry.getKey() + "' is not a 16-digit account ID");
      }
      JsonNode account = entry.getValue();
      if (!account.isObject()) {
        throw new IllegalArgumentException(where + ": must be an object");
      }
      Set<String> allowed = new java.util.HashSet<>(RULE_FIELDS);
      allowed.addAll(Set.of("users", "roles"));
      onlyFields(account, allowed, where);
      validateRule(account, where);
      accounts.put(entry.getKey(), new AccountRules(account, named(account, "users", where),
          named(account, "roles", where)));
    }
    return new RemediationPolicy(defaults, accounts);
  }

  private static Map<String, JsonNode> named(JsonNode account, String field, String where) {
    Map<String, JsonNode> rules = new LinkedHashMap<>();
    JsonNode node = account.path(field);
    if (node.isMissingNode()) {
      return rules;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + "." + field + ": must be an object keyed by name");
    }
    node.fields().forEachRemaining(e -> {
      validateRule(e.getValue(), where + "." + field + "." + e.getKey());
      // RAM names are case-insensitive for roles; users are matched exactly, roles in lower case.
      rules.put(field.equals("roles") ? e.getKey().toLowerCase(java.util.Locale.ROOT) : e.getKey(), e.getValue());
    });
    return rules;
  }

  private static void validateRule(JsonNode rule, String where) {
    if (!rule.isObject()) {
      throw new IllegalArgumentException(where + ": must be an object");
    }
    if (!where.startsWith("accounts.") || where.contains(".users.") || where.contains(".roles.")) {
      onlyFields(rule, RULE_FIELDS, where);
    }
    oneOf(rule, "mode", RemediationMode.class, MODES, where);
    oneOf(rule, "accessKey", RemediationStrategy.class, KEY_STRATEGIES, where);
    oneOf(rule, "whenTwoKeys", RemediationStrategy.class, TWO_KEY_FALLBACKS, where);
    oneOf(rule, "stsToken", RemediationStrategy.class, STS_STRATEGIES, where);
    oneOf(rule, "idOnly", IdOnly.class, ID_ONLY, where);
    if (rule.has("contain") && !rule.get("contain").isBoolean()) {
      throw new IllegalArgumentException(where + ".contain: must be true or false");
    }
    oneOf(rule, "containment", Containment.class, CONTAINMENTS, where);
    if (rule.has("knownNetworks")) {
      knownNetworks(rule.get("knownNetworks"), where + ".knownNetworks");
    }
    if (rule.has("persistence")) {
      JsonNode sweep = rule.get("persistence");
      String at = where + ".persistence";
      if (!sweep.isObject()) {
        throw new IllegalArgumentException(at + ": must be an object of " + new java.util.TreeSet<>(SWEEP_KINDS.keySet()));
      }
      onlyFields(sweep, SWEEP_KINDS.keySet(), at);
      SWEEP_KINDS.forEach((kind, allowed) -> oneOf(sweep, kind, Sweep.class, allowed, at));
    }
    if (rule.has("managedSecret") && !(rule.get("managedSecret").isTextual()
        && !rule.get("managedSecret").asText().isBlank())) {
      throw new IllegalArgumentException(where + ".managedSecret: must be a secret name");
    }
  }

  /** The addresses of a {@code knownNetworks} entry, each checked to be a literal IPv4/IPv6 address or CIDR block. */
  private static java.util.List<String> knownNetworks(JsonNode list, String where) {
    if (!list.isArray()) {
      throw new IllegalArgumentException(where + ": must be an array of IP addresses or CIDR blocks");
    }
    java.util.List<String> networks = new java.util.ArrayList<>();
    for (JsonNode entry : list) {
      String text = entry.isTextual() ? entry.asText().trim() : "";
      if (!IpBlocks.isBlock(text)) {
        throw new IllegalArgumentException(where + ": '" + entry.asText() + "' is not an IP address or CIDR block "
            + "(203.0.113.7, 198.51.100.0/24, 2001:db8::/32)");
      }
      networks.add(text);
    }
    return networks;
  }

  private static <E extends Enum<E>> void oneOf(JsonNode rule, String field, Class<E> type, Set<E> allowed,
      String where) {
    if (rule.has(field) && !(rule.get(field).isTextual()
        && EnumWords.parse(type, rule.get(field).asText()).filter(allowed::contains).isPresent())) {
      throw new IllegalArgumentException(where + "." + field + ": '" + rule.get(field).asText() + "' is not one of "
          + EnumWords.words(allowed));
    }
  }

  private static void onlyFields(JsonNode node, Set<String> allowed, String where) {
    node.fieldNames().forEachRemaining(name -> {
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(where + ": unknown field '" + name + "'; known: "
            + new java.util.TreeSet<>(allowed));
      }
    });
  }

  /** The rule for a RAM user's key (userName) or a role's token (roleName); either may be null. */
  public Rule ruleFor(String accountId, String userName, String roleName) {
    Rule rule = apply(DEFAULT_RULE, defaults);
    AccountRules account = accountId == null ? null : accounts.get(accountId);
    if (account != null) {
      rule = apply(rule, account.account());
      if (userName != null) {
        rule = apply(rule, account.users().get(userName));
      }
      if (roleName != null) {
        rule = apply(rule, account.roles().get(roleName.toLowerCase(java.util.Locale.ROOT)));
      }
    }
    return rule;
  }

  private static Rule apply(Rule base, JsonNode over) {
    if (over == null) {
      return base;
    }
    return new Rule(word(over, "mode", base.mode()), word(over, "accessKey", base.accessKey()),
        word(over, "whenTwoKeys", base.whenTwoKeys()),
        over.has("contain") ? over.get("contain").asBoolean() : base.contain(), word(over, "stsToken", base.stsToken()),
        text(over, "managedSecret", base.managedSecret()), word(over, "idOnly", base.idOnly()),
        sweep(over.path("persistence"), base.persistence()), word(over, "containment", base.containment()),
        over.has("knownNetworks") ? knownNetworks(over.get("knownNetworks"), "knownNetworks") : base.knownNetworks());
  }

  private static Map<String, Sweep> sweep(JsonNode over, Map<String, Sweep> base) {
    if (!over.isObject()) {
      return base;
    }
    Map<String, Sweep> merged = new java.util.TreeMap<>(base);
    SWEEP_KINDS.keySet().forEach(kind -> merged.put(kind, word(over, kind, base.get(kind))));
    return Map.copyOf(merged);
  }

  /** The constant a validated entry names, or the fallback when the entry does not set the field. */
  private static <E extends Enum<E>> E word(JsonNode node, String field, E fallback) {
    return node.has(field) ? EnumWords.parse(fallback.getDeclaringClass(), node.get(field).asText()).orElseThrow()
        : fallback;
  }

  private static String text(JsonNode node, String field, String fallback) {
    return node.has(field) ? node.get(field).asText() : fallback;
  }
}
