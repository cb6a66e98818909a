package io.leakguard.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.notifier.channel.Channel;
import io.leakguard.notifier.channel.ChannelConfig;
import io.leakguard.notifier.channel.ChannelFactory;
import io.leakguard.notifier.channel.Recipient;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who is told about an outcome, and through which channel: the routing file ({@code notify.routing.file}, JSON,
 * validated when the notifier starts; an error names the entry, e.g. {@code rules[1].match.statuses[0]}).
 *
 * <pre>
 * {"channels":     {"mail": {"type": "email", "host": "smtp.example.com", "from": "LeakGuard &lt;lg@example.com&gt;",
 *                            "username": "lg", "passwordEnv": "LEAKGUARD_SMTP_PASSWORD"},
 *                   "soc":  {"type": "dingtalk", "urlEnv": "LEAKGUARD_DINGTALK_URL", "secretEnv": "LEAKGUARD_DINGTALK_SECRET"}},
 *  "ownerChannel": "mail",
 *  "securityTeam": [{"channel": "soc"}, {"channel": "mail", "email": "security@example.com"}],
 *  "fallback":     [{"channel": "mail", "email": "security@example.com"}],
 *  "language":     "en",
 *  "accounts":     {"1000000000000001": {"contacts": ["ops@example.com"], "language": "zh-CN"}},
 *  "rules":        [{"match": {"statuses": ["FAILED", "ESCALATED"], "severities": ["HIGH", "CRITICAL"]},
 *                    "to": ["owner", "account-contacts", "security-team"]}]}
 * </pre>
 *
 * <p>Rules are tried in order and the first whose {@code match} fits decides the targets ({@code owner},
 * {@code account-contacts}, {@code security-team}, or an explicit {@code {"channel": ..., "email": ...}}); a match
 * field left out matches anything. Without a matching rule: the owner by e-mail plus the security team, except that a
 * root-account key and a key outside the fleet go to the security team only. An owner without an e-mail address in RAM
 * is replaced by the account's contacts, or by the security team when the account has none, and the notification
 * outcome says so. The language is the rule's, else the account's, else the file's ({@code en} by default); a
 * security-team entry may set its own. {@code fallback} (default: the security team) is told when a delivery fails
 * for good.
 */
public final class Routing {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP_FIELDS = Set.of("channels", "ownerChannel", "securityTeam", "fallback",
      "language", "accounts", "rules");
  private static final Set<String> TARGET_WORDS = Set.of(Recipient.OWNER, Recipient.ACCOUNT_CONTACTS,
      Recipient.SECURITY_TEAM);

  /** A fixed recipient: a channel, an e-mail address for an e-mail channel, a language (null: the routing's). */
  record Entry(String channel, String email, String language) {}

  record Account(List<String> contacts, String language) {}

  record Match(Set<String> accounts, Set<OwnerKind> ownerKinds, Set<Severity> severities,
      Set<RemediationStatus> statuses) {
    boolean fits(RemediationOutcome outcome) {
      return (accounts.isEmpty() || accounts.contains(outcome.getOwner().getAccountId()))
          && (ownerKinds.isEmpty() || ownerKinds.contains(outcome.getOwnerKind()))
          && (severities.isEmpty() || severities.contains(outcome.getSeverity()))
          && (statuses.isEmpty() || statuses.contains(outcome.getStatus()));
    }
  }

  /** {@code to}: target words and explicit entries, in order. */
  record Rule(Match match, List<Object> to, String language) {}

  /** The recipients of one outcome, and what a reader should know about how they were chosen. */
  public record Route(List<Recipient> recipients, List<String> notes) {}

  private final Map<String, Channel> channels;
  private final String ownerChannel;
  private final List<Entry> securityTeam;
  private final List<Entry> fallback;
  private final String language;
  private final Map<String, Account> accounts;
  private final List<Rule> rules;

  private Routing(Map<String, Channel> channels, String ownerChannel, List<Entry> securityTeam, List<Entry> fallback,
      String language, Map<String, Account> accounts, List<Rule> rules) {
    this.channels = channels;
    this.ownerChannel = ownerChannel;
    this.securityTeam = securityTeam;
    this.fallback = fallback;
    this.language = language;
    this.accounts = accounts;
    this.rules = rules;
  }

  /** The routing without a file: the security team is told in the log and through {@code extra} channels. */
  public static Routing defaults(List<Channel> extra) {
    Map<String, Channel> channels = new LinkedHashMap<>();
    channels.put("log", new io.leakguard.notifier.channel.LogChannel("log"));
    extra.forEach(c -> channels.put(c.name(), c));
    List<Entry> team = channels.keySet().stream().map(name -> new Entry(name, null, null)).toList();
    return new Routing(channels, null, team, team, "en", Map.of(), List.of());
  }

  public static Routing load(Path file, Map<String, String> env) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the routing file " + file + ": " + e.getMessage());
    }
    try {
      return parse(root, env);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("routing file " + file + ": " + e.getMessage());
    }
  }

  static Routing parse(JsonNode root, Map<String, String> env) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    Map<String, Channel> channels = new LinkedHashMap<>();
    JsonNode channelNodes = root.path("channels");
    if (!channelNodes.isObject() || channelNodes.isEmpty()) {
      throw new IllegalArgumentException("channels: at least one channel is required");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = channelNodes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      channels.put(field.getKey(), channel(field.getKey(), field.getValue(), env));
    }
    return withChannels(root, channels);
  }

  /** The routing of {@code root} with the given channels instead of its {@code channels} section (tests). */
  static Routing withChannels(JsonNode root, Map<String, Channel> channels) {
    unknown(root, TOP_FIELDS, "");
    String language = language(root.path("language"), "language", "en");
    String ownerChannel = null;
    if (root.hasNonNull("ownerChannel")) {
      ownerChannel = root.get("ownerChannel").asText();
      Channel owner = channels.get(ownerChannel);
      if (owner == null) {
        throw new IllegalArgumentException("ownerChannel: no channel named '" + ownerChannel + "'; channels: "
            + channels.keySet());
      }
      if (!"email".equals(owner.type())) {
        throw new IllegalArgumentException("ownerChannel: '" + ownerChannel + "' is a " + owner.type()
            + " channel; owners are told by e-mail");
      }
    }
    List<Entry> team = entries(root.path("securityTeam"), "securityTeam", channels);
    if (team.isEmpty()) {
      throw new IllegalArgumentException("securityTeam: at least one recipient is required");
    }
    List<Entry> fallback = root.has("fallback") ? entries(root.path("fallback"), "fallback", channels) : team;
    Map<String, Account> accounts = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("accounts").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String path = "accounts." + field.getKey();
      if (!field.getKey().matches("\\d{16}")) {
        throw new IllegalArgumentException(path + ": an account ID has 16 digits");
      }
      unknown(field.getValue(), Set.of("contacts", "language"), path + ".");
      List<String> contacts = new ArrayList<>();
      int i = 0;
      for (JsonNode contact : field.getValue().path("contacts")) {
        contacts.add(email(contact.asText(), path + ".contacts[" + i++ + "]"));
      }
      if (!contacts.isEmpty() && ownerChannel == null) {
        throw new IllegalArgumentException(path + ".contacts: contacts are told by e-mail; set ownerChannel to an "
            + "e-mail channel");
      }
      accounts.put(field.getKey(), new Account(List.copyOf(contacts),
          language(field.getValue().path("language"), path + ".language", null)));
    }
    List<Rule> rules = new ArrayList<>();
    int r = 0;
    for (JsonNode rule : root.path("rules")) {
      rules.add(rule(rule, "rules[" + r++ + "]", channels));
    }
    return new Routing(channels, ownerChannel, team, fallback, language, accounts, List.copyOf(rules));
  }

  /** Every configured channel, by name. */
  public Map<String, Channel> channels() {
    return channels;
  }

  /** The recipients of {@code outcome}, deduplicated, in routing order. */
  public Route route(RemediationOutcome outcome) {
    Rule rule = rules.stream().filter(r -> r.match().fits(outcome)).findFirst().orElse(null);
    List<Object> targets;
    if (rule != null) {
      targets = rule.to();
    } else if (outcome.getOwnerKind() == OwnerKind.ROOT_ACCOUNT || outcome.getOwnerKind() == OwnerKind.OUTSIDE_FLEET) {
      targets = List.of(Recipient.SECURITY_TEAM);
    } else {
      targets = List.of(Recipient.OWNER, Recipient.SECURITY_TEAM);
    }
    String account = outcome.getOwner().getAccountId();
    Account known = account == null ? null : accounts.get(account);
    String lang = rule != null && rule.language() != null ? rule.language()
        : known != null && known.language() != null ? known.language() : language;
    Map<String, Recipient> recipients = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (Object target : targets) {
      if (target instanceof Entry entry) {
        add(recipients, entry, Recipient.SECURITY_TEAM, lang);
      } else if (Recipient.OWNER.equals(target)) {
        owner(outcome, known, lang, recipients, notes);
      } else if (Recipient.ACCOUNT_CONTACTS.equals(target)) {
        if (!contacts(known, lang, recipients)) {
          notes.add("account " + account + " has no contacts in the routing file: nobody was told as its contact");
        }
      } else {
        team(lang, recipients);
      }
    }
    return new Route(List.copyOf(recipients.values()), List.copyOf(notes));
  }

  /** Who is told when a delivery fails for good. */
  public List<Recipient> fallback(String lang) {
    Map<String, Recipient> recipients = new LinkedHashMap<>();
    for (Entry entry : fallback) {
      Recipient r = recipient(entry, "fallback", lang);
      recipients.putIfAbsent(r.key(), r);
    }
    return List.copyOf(recipients.values());
  }

  /** The security team's recipients (for a digest). */
  public List<Recipient> securityTeam() {
    Map<String, Recipient> recipients = new LinkedHashMap<>();
    team(language, recipients);
    return List.copyOf(recipients.values());
  }

  private void owner(RemediationOutcome outcome, Account known, String lang, Map<String, Recipient> recipients,
      List<String> notes) {
    var owner = outcome.getOwner();
    String email = owner.getEmail() == null || owner.getEmail().isBlank() ? null : owner.getEmail().trim();
    String who = owner.getUserName() != null ? "RAM user " + owner.getUserName()
        : owner.getRoleName() != null ? "role " + owner.getRoleName() : "the owner";
    if (ownerChannel == null) {
      notes.add("no owner channel is configured (ownerChannel): " + who + " was not told directly");
      return;
    }
    if (email != null) {
      Recipient r = new Recipient(ownerChannel, Recipient.OWNER, email, blankToNull(owner.getMobilePhone()), lang);
      recipients.putIfAbsent(r.key(), r);
      return;
    }
    if (contacts(known, lang, recipients)) {
      notes.add(who + " has no e-mail address in RAM: the contacts of account " + owner.getAccountId()
          + " were told instead");
    } else {
      team(lang, recipients);
      notes.add(who + " has no e-mail address in RAM and account " + owner.getAccountId() + " has no contacts: "
          + "the security team was told instead");
    }
  }

  private boolean contacts(Account known, String lang, Map<String, Recipient> recipients) {
    if (known == null || known.contacts().isEmpty() || ownerChannel == null) {
      return false;
    }
    for (String contact : known.contacts()) {
      Recipient r = new Recipient(ownerChannel, Recipient.ACCOUNT_CONTACTS, contact, null, lang);
      recipients.putIfAbsent(r.key(), r);
    }
    return true;
  }

  private void team(String lang, Map<String, Recipient> recipients) {
    for (Entry entry : securityTeam) {
      add(recipients, entry, Recipient.SECURITY_TEAM, lang);
    }
  }

  private void add(Map<String, Recipient> recipients, Entry entry, String role, String lang) {
    Recipient r = recipient(entry, role, lang);
    recipients.putIfAbsent(r.key(), r);
  }

  private Recipient recipient(Entry entry, String role, String lang) {
    return new Recipient(entry.channel(), role, entry.email(), null,
        entry.language() != null ? entry.language() : lang);
  }

  private static Channel channel(String name, JsonNode node, Map<String, String> env) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("channels." + name + ": must be an object with a type");
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
      throw new IllegalArgumentException("channels." + name + ": a channel name is letters, digits, '.', '_', '-'");
    }
    String type = node.path("type").asText("");
    if (type.isEmpty()) {
      throw new IllegalArgumentException("channels." + name + ".type is required");
    }
    Map<String, String> values = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> {
      if (f.getValue().isContainerNode()) {
        throw new IllegalArgumentException("channels." + name + "." + f.getKey() + ": must be a string, number or "
            + "boolean");
      }
      values.put(f.getKey(), f.getValue().asText());
    });
    return ChannelFactory.create(new ChannelConfig(name, values, env), type);
  }

  private static List<Entry> entries(JsonNode node, String path, Map<String, Channel> channels) {
    if (node.isMissingNode()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(path + ": must be a list of {\"channel\": ...} entries");
    }
    List<Entry> entries = new ArrayList<>();
    int i = 0;
    for (JsonNode item : node) {
      entries.add(entry(item, path + "[" + i++ + "]", channels));
    }
    return List.copyOf(entries);
  }

  private static Entry entry(JsonNode item, String path, Map<String, Channel> channels) {
    if (!item.isObject()) {
      throw new IllegalArgumentException(path + ": must be {\"channel\": ..., \"email\": ...}");
    }
    unknown(item, Set.of("channel", "email", "language"), path + ".");
    String name = item.path("channel").asText("");
    Channel channel = channels.get(name);
    if (channel == null) {
      throw new IllegalArgumentException(path + ".channel: no channel named '" + name + "'; channels: "
          + channels.keySet());
    }
    String email = item.hasNonNull("email") ? email(item.get("email").asText(), path + ".email") : null;
    if ("email".equals(channel.type()) && email == null) {
      throw new IllegalArgumentException(path + ".email: required for the e-mail channel '" + name + "'");
    }
    if (!"email".equals(channel.type()) && email != null) {
      throw new IllegalArgumentException(path + ".email: '" + name + "' is a " + channel.type()
          + " channel, which has no addresses");
    }
    return new Entry(name, email, language(item.path("language"), path + ".language", null));
  }

  private static Rule rule(JsonNode node, String path, Map<String, Channel> channels) {
    unknown(node, Set.of("match", "to", "language"), path + ".");
    JsonNode match = node.path("match");
    unknown(match, Set.of("accounts", "ownerKinds", "severities", "statuses"), path + ".match.");
    Set<String> accounts = new java.util.LinkedHashSet<>();
    int i = 0;
    for (JsonNode account : match.path("accounts")) {
      String id = account.asText();
      if (!id.matches("\\d{16}")) {
        throw new IllegalArgumentException(path + ".match.accounts[" + i + "]: an account ID has 16 digits");
      }
      accounts.add(id);
      i++;
    }
    Match m = new Match(Set.copyOf(accounts),
        symbols(match.path("ownerKinds"), path + ".match.ownerKinds", OwnerKind.class),
        symbols(match.path("severities"), path + ".match.severities", Severity.class),
        symbols(match.path("statuses"), path + ".match.statuses", RemediationStatus.class));
    List<Object> to = new ArrayList<>();
    int t = 0;
    for (JsonNode target : node.path("to")) {
      String tp = path + ".to[" + t++ + "]";
      if (target.isTextual()) {
        if (!TARGET_WORDS.contains(target.asText())) {
          throw new IllegalArgumentException(tp + ": '" + target.asText() + "' is not a target; known: "
              + new java.util.TreeSet<>(TARGET_WORDS)
              + " or {\"channel\": ...}");
        }
        to.add(target.asText());
      } else {
        to.add(entry(target, tp, channels));
      }
    }
    if (to.isEmpty()) {
      throw new IllegalArgumentException(path + ".to: at least one target is required");
    }
    return new Rule(m, List.copyOf(to), language(node.path("language"), path + ".language", null));
  }

  private static <E extends Enum<E>> Set<E> symbols(JsonNode node, String path, Class<E> type) {
    Set<E> values = new java.util.HashSet<>();
    int i = 0;
    for (JsonNode item : node) {
      try {
        values.add(Enum.valueOf(type, item.asText().toUpperCase(Locale.ROOT).replace('-', '_')));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + "[" + i + "]: '" + item.asText() + "' is not one of "
            + Arrays.toString(type.getEnumConstants()));
      }
      i++;
    }
    return Set.copyOf(values);
  }

  private static String language(JsonNode node, String path, String fallback) {
    if (node.isMissingNode() || node.isNull()) {
      return fallback;
    }
    String value = node.asText();
    if (!Templates.LANGUAGES.contains(value)) {
      throw new IllegalArgumentException(path + ": '" + value + "' is not a language; known: en, zh-CN");
    }
    return value;
  }

  private static String email(String value, String path) {
    String trimmed = value.trim();
    if (!trimmed.matches("[^@\\s<>\"]+@[^@\\s<>\"]+")) {
      throw new IllegalArgumentException(path + ": '" + trimmed + "' is not an e-mail address");
    }
    return trimmed;
  }

  private static void unknown(JsonNode node, Set<String> known, String prefix) {
    if (node == null || !node.isObject()) {
      return;
    }
    node.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(prefix + name + " is not a field here; known: " + new java.util.TreeSet<>(known));
      }
    });
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
