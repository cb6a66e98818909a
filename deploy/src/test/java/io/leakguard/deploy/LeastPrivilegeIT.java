package io.leakguard.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.bridge.BridgeApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.emulator.Emulator;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import io.leakguard.emulator.CloudState;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Least privilege, proven: the documents of {@code deploy/ram/} are exactly what the services need. For every action of
 * every statement of a document (read from the file, so an action added to it adds a case), the document in force is
 * replaced by the document minus that action, leaks are fed that take every path of the service, and the test asserts
 * that the service called that very action, was refused ({@code NoPermission}, in the emulator's audit trail), and
 * degraded cleanly: an incident FAILED with a reason naming {@code NoPermission}, or remediated with an evidence gap
 * naming it (remediator), or an enrichment marked
 * partial (enricher, which hands a leak on with what it knows rather than failing it), the service still RUNNING. With
 * the full document every path succeeds and nothing is refused. An action whose removal made nothing fail anywhere is
 * not needed, and the last test says so.
 *
 * <p>Six phases on one broker and one emulator, one service instance each, cases in sequence: the remediator, the
 * enricher and the bridge (its Security Center poller and closer) acting in their own (home) account, as the local
 * stack runs them, then each in a fleet, assuming the role of a member account ({@code member-role.json}, trusted by {@code member-role-trust.json}). A fleet phase only repeats
 * the home document's actions its single-account phase did not prove ({@code sts:AssumeRole}) and the member
 * document's actions not proven yet. Each phase's service starts with its first case's document in force: assumed-role
 * credentials are cached for the session, so removing {@code sts:AssumeRole} shows only before the first AssumeRole.
 * The remediator reads its input straight from {@code leaks.enriched}, the enricher from {@code leaks.detected}; the
 * bridge polls leak records reported to the emulator's Security Center and closes them on outcomes written to
 * {@code remediation.outcomes} (a record not polled, polled without its detail, or not closed is its clean failure).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeastPrivilegeIT {

  private static final String PREFIX = "lp.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Needs no permission in RAM (and is not authorized by the emulator): every identity may ask who it is. */
  private static final Set<String> PERMISSION_FREE = Set.of("sts:GetCallerIdentity");
  private static final String ROLE = "leakguard";

  @TempDir
  static Path dir;
  static PipelineStack stack;
  static Emulator emulator;
  static final String home = SyntheticKeys.accountId();
  static final String member = SyntheticKeys.accountId();
  static final Identity remediator = new Identity("leakguard-remediator");
  static final Identity enricher = new Identity("leakguard-enricher");
  static final Identity bridge = new Identity("leakguard-bridge");

  static final Document REMEDIATOR = new Document("remediator", home, "LeakGuardRemediator");
  static final Document ENRICHER = new Document("enricher", home, "LeakGuardEnricher");
  static final Document BRIDGE = new Document("bridge", home, "LeakGuardBridge");
  static final Document MEMBER = new Document("member-role", member, "LeakGuardMember");
  static final List<Document> DOCUMENTS = List.of(REMEDIATOR, ENRICHER, BRIDGE, MEMBER);

  /** "document action" pairs whose removal made the service fail cleanly on that very action. */
  static final Set<String> proven = ConcurrentHashMap.newKeySet();
  /** Every call of a service's identity, over the whole test: "identity|document|action". */
  static final Set<String> called = ConcurrentHashMap.newKeySet();

  static final Map<String, RemediationOutcome> outcomes = new ConcurrentHashMap<>();
  static final Map<String, LeakEnriched> enrichments = new ConcurrentHashMap<>();
  static final Map<Long, SecurityCenterLeakRecord> sasRecords = new ConcurrentHashMap<>();
  static final AtomicBoolean reading = new AtomicBoolean(true);
  static final List<Thread> readers = new ArrayList<>();
  static KafkaProducer<String, LeakEnriched> enrichedProducer;
  static KafkaProducer<String, LeakDetected> detectedProducer;
  static KafkaProducer<String, RemediationOutcome> outcomeProducer;

  /** A service's RRSA role (as {@link PipelineStack#startRrsa} makes it), also its session name. */
  record Identity(String roleName) {
    /** ActionTrail's userName of the role's session: {@code role:session}. */
    String userName() {
      return roleName + ":" + roleName;
    }
  }

  /** A document of deploy/ram/, granted as a custom policy of an account. */
  record Document(String file, String account, String policyName) {
    String text() {
      return DemoFleet.policy(file);
    }

    /** Every action of every statement, as written. */
    List<String> actions() {
      List<String> actions = new ArrayList<>();
      for (JsonNode statement : tree(text()).path("Statement")) {
        JsonNode action = statement.path("Action");
        if (action.isArray()) {
          action.forEach(a -> actions.add(a.asText()));
        } else if (action.isTextual()) {
          actions.add(action.asText());
        }
      }
      return actions;
    }

    /** The document without one action; a statement left with no action is dropped. */
    String without(String removed) {
      ObjectNode root = (ObjectNode) tree(text());
      ArrayNode kept = JSON.createArrayNode();
      for (JsonNode statement : root.path("Statement")) {
        ArrayNode actions = JSON.createArrayNode();
        JsonNode action = statement.path("Action");
        (action.isArray() ? action : JSON.createArrayNode().add(action)).forEach(a -> {
          if (!a.asText().equals(removed)) {
            actions.add(a.asText());
          }
        });
        if (!actions.isEmpty()) {
          kept.add(((ObjectNode) statement.deepCopy()).set("Action", actions));
        }
      }
      root.set("Statement", kept);
      return root.toString();
    }

    void grant(String document) {
      TestFleet.account(account).policy(policyName, document).seed(emulator);
    }

    String key(String action) {
      return file + ".json " + action;
    }
  }

  /** One phase: a service, where it acts, the documents in force and the cases to run. */
  record Phase(String tag, ServiceDefinition service, Identity identity, boolean fleet, List<Document> documents) {
    String victimAccount() {
      return fleet ? member : home;
    }

    /** The trail's user name of this phase's identity in an account. */
    boolean isOurs(JsonNode event) {
      JsonNode who = event.path("userIdentity");
      String account = who.path("accountId").asText();
      String user = who.path("userName").asText();
      return account.equals(home) && user.equals(identity.userName())
          || fleet && account.equals(member) && user.equals(ROLE + ":" + identity.roleName());
    }

    Document documentOf(JsonNode event) {
      return event.path("userIdentity").path("accountId").asText().equals(member) ? MEMBER : documents.get(0);
    }
  }

  @BeforeAll
  static void startBrokerAndCloud() throws Exception {
    TestFleet.Account homeAccount = TestFleet.account(home).alias("home")
        .policy(REMEDIATOR.policyName(), REMEDIATOR.text())
        .policy(ENRICHER.policyName(), ENRICHER.text())
        .policy(BRIDGE.policyName(), BRIDGE.text());
    homeAccount.and().account(member).alias("member")
        .policy(MEMBER.policyName(), MEMBER.text())
        .role(ROLE, r -> r.trustPolicy(DemoFleet.memberRoleTrustPolicy(home)).customPolicy(MEMBER.policyName()));
    // The services' home identities are their RRSA roles, with the home documents attached, as on ACK.
    stack = PipelineStack.startRrsa(dir, PREFIX, homeAccount, Map.of("enricher", ENRICHER.policyName(),
        "remediator", REMEDIATOR.policyName(), "bridge", BRIDGE.policyName()));
    assertEquals(Optional.of(remediator.roleName()), stack.roleOf("remediator"));
    assertEquals(Optional.of(bridge.roleName()), stack.roleOf("bridge"));
    assertEquals(Optional.of(enricher.roleName()), stack.roleOf("enricher"));
    emulator = stack.emulator();
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.broker().bootstrapServers());
    props.put("acks", "all");
    enrichedProducer = new KafkaProducer<>(props, TOPICS.leaksEnriched().keySerde().serializer(),
        TOPICS.leaksEnriched().valueSerde().serializer());
    detectedProducer = new KafkaProducer<>(props, TOPICS.leaksDetected().keySerde().serializer(),
        TOPICS.leaksDetected().valueSerde().serializer());
    outcomeProducer = new KafkaProducer<>(props, TOPICS.remediationOutcomes().keySerde().serializer(),
        TOPICS.remediationOutcomes().valueSerde().serializer());
    read(TOPICS.remediationOutcomes(), o -> outcomes.putIfAbsent(o.getIncidentId(), o));
    read(TOPICS.securityCenterAlerts(), r -> sasRecords.putIfAbsent(r.id(), r));
    read(TOPICS.leaksEnriched(), e -> {
      if (e.getTimeline().getEnrichedAt() != null) {
        enrichments.putIfAbsent(e.getIncidentId(), e);
      }
    });
  }

  /** Reads a topic from the start for the whole test (the services create their topics; the reader waits). */
  private static <V> void read(Topic<String, V> topic, java.util.function.Consumer<V> sink) {
    Thread reader = new Thread(() -> {
      try (KafkaConsumer<String, V> consumer = stack.broker().committedReader(topic)) {
        consumer.subscribe(List.of(topic.name()));
        while (reading.get()) {
          consumer.poll(Duration.ofMillis(100)).forEach(r -> sink.accept(r.value()));
        }
      }
    }, "lp-reader-" + topic.name());
    reader.setDaemon(true);
    reader.start();
    readers.add(reader);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    reading.set(false);
    for (Thread reader : readers) {
      reader.join(5_000);
    }
    if (enrichedProducer != null) {
      enrichedProducer.close();
      detectedProducer.close();
      outcomeProducer.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> remediatorInItsOwnAccount() throws Exception {
    return phase(new Phase("ra", new RemediatorApp(), remediator, false, List.of(REMEDIATOR)),
        cases(REMEDIATOR, false));
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> remediatorInAMemberAccount() throws Exception {
    List<String[]> cases = cases(REMEDIATOR, true);
    cases.addAll(cases(MEMBER, true));
    return phase(new Phase("rm", new RemediatorApp(), remediator, true, List.of(REMEDIATOR, MEMBER)), cases);
  }

  @TestFactory
  @Order(3)
  Stream<DynamicTest> enricherInItsOwnAccount() throws Exception {
    return phase(new Phase("ea", new EnricherApp(), enricher, false, List.of(ENRICHER)), cases(ENRICHER, false));
  }

  @TestFactory
  @Order(4)
  Stream<DynamicTest> enricherInAMemberAccount() throws Exception {
    List<String[]> cases = cases(ENRICHER, true);
    cases.addAll(cases(MEMBER, true));
    return phase(new Phase("em", new EnricherApp(), enricher, true, List.of(ENRICHER, MEMBER)), cases);
  }

  @TestFactory
  @Order(5)
  Stream<DynamicTest> bridgeInItsOwnAccount() throws Exception {
    return phase(new Phase("ba", new BridgeApp(), bridge, false, List.of(BRIDGE)), cases(BRIDGE, false));
  }

  @TestFactory
  @Order(6)
  Stream<DynamicTest> bridgeInAMemberAccount() throws Exception {
    List<String[]> cases = cases(BRIDGE, true);
    cases.addAll(cases(MEMBER, true));
    return phase(new Phase("bm", new BridgeApp(), bridge, true, List.of(BRIDGE, MEMBER)), cases);
  }

  @Test
  @Order(7)
  void shouldNeedEveryActionOfEveryDocument() {
    List<String> unneeded = new ArrayList<>();
    for (Document document : DOCUMENTS) {
      for (String action : document.actions()) {
        if (!proven.contains(document.key(action))) {
          unneeded.add(document.key(action));
        }
      }
    }
    assertEquals(List.of(), unneeded, "removing these actions made no service fail: no service needs them, so they "
        + "must not be in deploy/ram/");
  }

  @Test
  @Order(8)
  void shouldCallOnlyActionsItsDocumentGrants() {
    List<String> ungranted = new ArrayList<>();
    for (String call : called) {
      String[] parts = call.split("\\|");
      Document document = DOCUMENTS.stream().filter(d -> d.file().equals(parts[1])).findFirst().orElseThrow();
      if (!PERMISSION_FREE.contains(parts[2]) && document.actions().stream().noneMatch(a -> glob(a, parts[2]))) {
        ungranted.add(call);
      }
    }
    assertEquals(List.of(), ungranted, "actions a service called that its document does not grant");
    assertTrue(called.stream().anyMatch(c -> c.startsWith(remediator.roleName() + "|member-role|")), called.toString());
    assertTrue(called.stream().anyMatch(c -> c.startsWith(enricher.roleName() + "|member-role|")), called.toString());
    assertTrue(called.stream().anyMatch(c -> c.startsWith(bridge.roleName() + "|member-role|")), called.toString());
  }

  // ------------------------------------------------------------------------------------------------ phases

  /** The cases {document, action} of a document: all its actions, or in a fleet phase those not proven yet. */
  private static List<String[]> cases(Document document, boolean onlyUnproven) {
    List<String[]> cases = new ArrayList<>();
    for (String action : document.actions()) {
      if (!onlyUnproven || !proven.contains(document.key(action))) {
        cases.add(new String[] {document.file(), action});
      }
    }
    if (onlyUnproven) {
      // STS first: the phase's service starts under its first case's document, before any AssumeRole is cached.
      cases.sort(java.util.Comparator.comparing(c -> !c[1].toLowerCase(java.util.Locale.ROOT).startsWith("sts:")));
    }
    return cases;
  }

  private Stream<DynamicTest> phase(Phase phase, List<String[]> cases) throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    Path policyFile = remediationPolicy(phase, cases.size() + 1);
    tests.add(DynamicTest.dynamicTest("start " + phase.service().name() + (phase.fleet() ? " in a fleet" : ""), () -> {
      stack.stopServices();
      phase.documents().forEach(d -> d.grant(d.text()));
      if (!cases.isEmpty()) {
        document(cases.get(0)[0]).grant(document(cases.get(0)[0]).without(cases.get(0)[1]));
      }
      // No client-side rate limit: walking an account of a hundred users at 20 ListAccessKeys a second would take
      // most of the test's time, and the limiter is not what is tested here.
      List<String> args = new ArrayList<>(List.of(stack.cloudArgs()));
      args.addAll(List.of("--cloud.assume.role.session=" + phase.identity().roleName(), "--cloud.rate.per.second=0"));
      if (phase.fleet()) {
        args.add("--cloud.fleet=" + member + "=acs:ram::" + member + ":role/" + ROLE);
      }
      if (phase.service() instanceof RemediatorApp) {
        // A FAILED incident is not retried during the test: its outcome is the one the case reads.
        args.addAll(List.of("--remediation.retry.schedule=1h", "--remediation.policy.file=" + policyFile));
        // Every case deletes in the same account within seconds: the blast-radius limit is KillSwitchIT's subject.
        args.addAll(List.of("--remediation.blast.account.per.minute=0", "--remediation.blast.account.per.hour=0",
            "--remediation.blast.fleet.per.minute=0", "--remediation.blast.fleet.per.hour=0"));
      } else if (phase.service() instanceof BridgeApp) {
        // Polled often, so a case waits for its record a fraction of a second; a failed closing is not retried.
        args.addAll(List.of("--bridge.sas.enabled=true", "--bridge.sas.poll.interval=200ms",
            "--bridge.close.max.attempts=1"));
      } else {
        // No leak is handed on without activity because the machine is slow, and every unknown key is walked for.
        args.addAll(List.of("--enrich.activity.timeout=20s", "--enrich.owner.walk.min.interval=0s"));
      }
      stack.start(phase.service(), args.toArray(String[]::new));
      stack.awaitRunning(Duration.ofSeconds(60));
    }));
    int[] index = {0};
    for (String[] c : cases) {
      Document document = document(c[0]);
      String action = c[1];
      int n = index[0]++;
      tests.add(DynamicTest.dynamicTest(document.key(action) + " removed", () -> {
        document.grant(document.without(action));
        String mark = newestEventId();
        try {
          List<String> problems = new ArrayList<>();
          List<String> failures = runScenarios(phase, phase.tag() + n, problems);
          List<JsonNode> events = eventsSince(mark, phase);
          boolean refused = events.stream().anyMatch(e -> "NoPermission".equals(e.path("errorCode").asText())
              && document == phase.documentOf(e) && glob(action, permission(e)));
          assertTrue(stack.allRunning(), phase.service().name() + " is no longer RUNNING without " + action);
          assertEquals(List.of(), problems, "every leak must come out");
          if (refused) {
            assertFalse(failures.isEmpty(), phase.service().name() + " was refused " + action
                + " but no leak shows it (no FAILED outcome naming NoPermission, no partial enrichment)");
            proven.add(document.key(action));
          }
        } finally {
          document.grant(document.text());
        }
      }));
    }
    tests.add(DynamicTest.dynamicTest("with the full documents every path succeeds", () -> {
      String mark = newestEventId();
      List<String> problems = new ArrayList<>();
      List<String> failures = runScenarios(phase, phase.tag() + "full", problems);
      assertEquals(List.of(), problems);
      assertEquals(List.of(), failures, "with the full documents nothing may fail");
      List<String> refused = eventsSince(mark, phase).stream()
          .filter(e -> !e.path("errorCode").asText().isEmpty() && e.path("errorCode").asText().contains("NoPermission"))
          .map(LeastPrivilegeIT::permission).toList();
      assertEquals(List.of(), refused, "refused with the full documents");
      assertTrue(stack.allRunning());
    }));
    return tests.stream();
  }

  private static Document document(String file) {
    return DOCUMENTS.stream().filter(d -> d.file().equals(file)).findFirst().orElseThrow();
  }

  /**
   * The remediator's policy: STS tokens are reincarnated (every role action is taken) except the "deny" victims'
   * (deny-new-ips: CreatePolicy, AttachPolicyToRole), and the "approve" and "restrict" victims wait for approval with
   * their key contained: disabled (UpdateAccessKey; no address of the key is known) or restricted by a network policy
   * (GetAccessKeyPolicy, SetAccessKeyPolicy).
   */
  private static Path remediationPolicy(Phase phase, int runs) throws Exception {
    ObjectNode users = JSON.createObjectNode();
    ObjectNode roles = JSON.createObjectNode();
    for (int i = 0; i < runs; i++) {
      String tag = phase.tag() + (i == runs - 1 ? "full" : i);
      users.set("a-" + tag, JSON.createObjectNode().put("mode", "approve").put("contain", true));
      users.set("r-" + tag, JSON.createObjectNode().put("mode", "approve").put("contain", true));
      roles.set("d-" + tag, JSON.createObjectNode().put("stsToken", "deny-new-ips"));
    }
    ObjectNode policy = JSON.createObjectNode();
    policy.set("default", JSON.createObjectNode().put("stsToken", "reincarnate"));
    ObjectNode victims = JSON.createObjectNode();
    victims.set("users", users);
    victims.set("roles", roles);
    policy.set("accounts", JSON.createObjectNode().set(phase.victimAccount(), victims));
    Path file = dir.resolve("policy-" + phase.tag() + ".json");
    Files.writeString(file, policy.toString());
    return file;
  }

  // ------------------------------------------------------------------------------------------------ scenarios

  /**
   * Seeds fresh victims, feeds their leaks, waits for every result. Returns the clean failures seen (FAILED naming
   * NoPermission, or a partial enrichment); anything else unexpected goes to {@code problems}.
   */
  private static List<String> runScenarios(Phase phase, String tag, List<String> problems) throws Exception {
    if (phase.service() instanceof BridgeApp) {
      return closeAtSource(phase.victimAccount(), tag, problems);
    }
    return phase.service() instanceof RemediatorApp ? remediate(phase.victimAccount(), tag, problems)
        : enrich(phase.victimAccount(), tag, problems);
  }

  /**
   * One leak taking every path of the bridge's Security Center parts: Security Center reports a key, the poller
   * writes the record with its detail (repository, file), the incident ends ROTATED and the closer marks the record
   * handled. A record never polled, polled without its detail, or left pending is a clean failure.
   */
  private static List<String> closeAtSource(String account, String tag, List<String> problems) throws Exception {
    String[] leaked = pair();
    TestFleet.account(account).user("s-" + tag, u -> u.key(leaked[0], leaked[1])).seed(emulator);
    String reported = newestEventId();
    long id = emulator.state().reportLeak(new CloudState.LeakReport(null, leaked[0], "GitHub",
        "https://github.com/lp/" + tag + "/blob/main/app.py", "lp", "lp/" + tag, "app.py", "Python")).id();
    // Polled, or the poll refused (the member role not assumed, the list not read): waiting out the time-out for a
    // record that cannot come cost 30 s a case.
    awaitQuietly(() -> sasRecords.containsKey(id) || refusedSince(reported, "AssumeRole", "DescribeAccesskeyLeakList"));
    SecurityCenterLeakRecord record = sasRecords.get(id);
    if (record == null) {
      return List.of("record " + id + ": not polled");
    }
    if (!account.equals(record.accountId())) {
      problems.add("record " + id + ": read in account " + record.accountId() + ", expected " + account);
    }
    List<String> failures = new ArrayList<>();
    if (record.githubRepoName() == null) {
      failures.add("record " + id + ": written without its detail");
    }
    Instant now = Instant.now();
    RemediationOutcome rotated = RemediationOutcome.newBuilder().setIncidentId(tag + "-sas").setAccessKeyId(leaked[0])
        .setKind(CredentialKind.RAM_USER_KEY).setMaskedKey(KeyForms.mask(leaked[0]))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SECURITY_CENTER).setLocation(record.url())
            .setReference(record.reference().orElseThrow().text()).build())
        .setOwner(Owner.newBuilder().setAccountId(account).setUserName("s-" + tag).build())
        .setStatus(RemediationStatus.ROTATED)
        .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).build()).build();
    String sent = newestEventId();
    outcomeProducer.send(new ProducerRecord<>(TOPICS.remediationOutcomes().name(), leaked[0], rotated)).get();
    // Marked handled, or the closer's attempt refused (it says so in its log and leaves the record): waiting out the
    // time-out for a refused close cost 30 s a case.
    awaitQuietly(() -> dealed(id) || refusedSince(sent, "ModifyAccessKeyLeakDeal"));
    if (!dealed(id)) {
      failures.add("record " + id + ": still pending after the incident was rotated");
    }
    return failures;
  }

  /** Whether a call to one of {@code actions} was refused after the event {@code mark}. */
  private static boolean refusedSince(String mark, String... actions) throws Exception {
    List<String> names = List.of(actions);
    for (JsonNode event : events(200)) {
      if (event.path("eventId").asText().equals(mark)) {
        return false;
      }
      if (names.contains(event.path("eventName").asText()) && !event.path("errorCode").asText().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static boolean dealed(long id) {
    return emulator.state().snapshot().securityCenterLeaks().stream()
        .anyMatch(l -> l.id() == id && l.status().equals("dealed"));
  }

  /**
   * Leaks taking every path of the remediator: a key whose owner is unknown (found by walking the account, then
   * replaced, its new key stored in a new KMS secret; its owner is in a group, whose policies the evidence lists), the sweep's, a key in approve mode (contained by disabling),
   * one whose known address lets it be restricted by a network policy, a key managed by a RAMCredentials secret (KMS
   * rotates it), an STS token of a role with a policy (recorded in KMS, reincarnated) and one of a role whose policy
   * says deny-new-ips (a Deny policy created and attached).
   */
  private static List<String> remediate(String account, String tag, List<String> problems) throws Exception {
    String[] found = pair();
    String[] approve = pair();
    String[] restrict = pair();
    String[] managed = pair();
    String token = SyntheticKeys.stsAccessKeyId();
    String managedUser = "m-" + tag;
    TestFleet.account(account)
        .user("u-" + tag, u -> u.key(found[0], found[1]))
        .user("a-" + tag, u -> u.key(approve[0], approve[1]))
        .user("r-" + tag, u -> u.key(restrict[0], restrict[1]))
        .user(managedUser, u -> u.key(managed[0], managed[1]))
        .secret("leakguard/" + account + "/" + managedUser, s -> s.type("RAMCredentials")
            .extendedConfig("{\"SecretSubType\":\"RamUserAccessKey\",\"UserName\":\"" + managedUser + "\"}")
            .version("v1", "{\"AccessKeyId\":\"" + managed[0] + "\",\"AccessKeySecret\":\"" + managed[1] + "\"}",
                "ACSCurrent"))
        .group("g-" + tag, g -> g.member("u-" + tag).systemPolicy("AliyunRAMReadOnlyAccess"))
        .role("role-" + tag, r -> r.trustAccount(account).systemPolicy("AliyunRAMReadOnlyAccess"))
        .role("d-" + tag, r -> r.trustAccount(account).systemPolicy("AliyunRAMReadOnlyAccess"))
        .seed(emulator);
    Map<String, RemediationStatus> expected = new LinkedHashMap<>();
    expected.put(send(tag + "-found", found[0], OwnerKind.UNKNOWN, Owner.newBuilder().build(),
        CredentialKind.RAM_USER_KEY), RemediationStatus.ROTATED);
    expected.put(sweep(account, tag), RemediationStatus.ROTATED);
    expected.put(send(tag + "-approve", approve[0], OwnerKind.RAM_USER, Owner.newBuilder().setAccountId(account)
        .setUserName("a-" + tag).build(), CredentialKind.RAM_USER_KEY), RemediationStatus.CONTAINED);
    expected.put(send(tag + "-restrict", restrict[0], OwnerKind.RAM_USER, Owner.newBuilder().setAccountId(account)
        .setUserName("r-" + tag).build(), CredentialKind.RAM_USER_KEY, List.of("198.51.100.7")),
        RemediationStatus.CONTAINED);
    expected.put(send(tag + "-managed", managed[0], OwnerKind.RAM_USER, Owner.newBuilder().setAccountId(account)
        .setUserName(managedUser).build(), CredentialKind.RAM_USER_KEY), RemediationStatus.ROTATED);
    expected.put(send(tag + "-role", token, OwnerKind.ASSUMED_ROLE, Owner.newBuilder().setAccountId(account)
        .setRoleName("role-" + tag).build(), CredentialKind.STS_TOKEN), RemediationStatus.NEUTRALIZED);
    expected.put(send(tag + "-deny", SyntheticKeys.stsAccessKeyId(), OwnerKind.ASSUMED_ROLE, Owner.newBuilder()
        .setAccountId(account).setRoleName("d-" + tag).build(), CredentialKind.STS_TOKEN, List.of("198.51.100.7")),
        RemediationStatus.NEUTRALIZED);
    enrichedProducer.flush();
    awaitQuietly(() -> outcomes.keySet().containsAll(expected.keySet()));
    List<String> failures = new ArrayList<>();
    expected.forEach((incident, status) -> {
      RemediationOutcome outcome = outcomes.get(incident);
      if (outcome == null) {
        problems.add(incident + ": no outcome");
      } else if (outcome.getStatus() == RemediationStatus.FAILED && outcome.getReason() != null
          && outcome.getReason().contains("NoPermission")) {
        failures.add(incident + ": " + outcome.getReason());
      } else if (outcome.getEvidenceGaps().stream().anyMatch(g -> g.contains("NoPermission"))
          && outcome.getStatus() == status) {
        // The evidence record could not be complete, and says so: the leak is still remediated.
        failures.add(incident + ": evidence gaps " + outcome.getEvidenceGaps());
      } else if (outcome.getStatus() == status && outcome.getSteps().stream().anyMatch(st
          -> st.getOutcome() == io.leakguard.schemas.StepResult.FAILED && st.getDetail() != null
          && st.getDetail().contains("NoPermission"))) {
        // A refused step with a fallback (network containment refused: the key is disabled instead), in the steps.
        failures.add(incident + ": fell back after a refused step");
      } else if (outcome.getStatus() != status) {
        problems.add(incident + ": " + outcome.getStatus() + " (" + outcome.getReason() + "), expected " + status);
      }
    });
    return failures;
  }

  /**
   * Two leaks taking every path of the enricher, one after the other (the second's walk would put the first key in
   * the inventory): a key whose probe named its RAM user (GetUser), and a key nobody identified (the account is
   * walked); both have their ActionTrail activity and their owner's policies read, the first's through a group with
   * a custom policy (ListGroupsForUser, ListPoliciesForGroup, GetPolicy).
   */
  private static List<String> enrich(String account, String tag, List<String> problems) throws Exception {
    List<String> failures = new ArrayList<>();
    String[] identified = pair();
    // In a group whose custom policy the enricher reads to tell whether the owner is admin-level
    TestFleet.account(account).user("i-" + tag, u -> u.key(identified[0], identified[1]))
        .policy("cp-" + tag, "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ram:*\","
            + "\"Resource\":\"*\"}]}")
        .group("g-" + tag, g -> g.member("i-" + tag).customPolicy("cp-" + tag)).seed(emulator);
    detect(tag + "-identified", identified, CallerIdentity.newBuilder().setIdentityType("RAMUser")
        .setAccountId(account).setArn("acs:ram::" + account + ":user/i-" + tag).setPrincipalId("1").build(),
        failures, problems);
    LeakEnriched identifiedLeak = enrichments.get(tag + "-identified");
    List<String> admin = List.of("Custom:cp-" + tag + " via group g-" + tag);
    if (identifiedLeak != null && !identifiedLeak.getPartial() && !identifiedLeak.getOwnerPrivileges().equals(admin)) {
      problems.add(tag + "-identified: owner privileges " + identifiedLeak.getOwnerPrivileges() + ", expected " + admin);
    }
    String[] walked = pair();
    TestFleet.account(account).user("w-" + tag, u -> u.key(walked[0], walked[1])).seed(emulator);
    detect(tag + "-walked", walked, null, failures, problems);
    return failures;
  }

  private static void detect(String incident, String[] pair, CallerIdentity identity, List<String> failures,
      List<String> problems) throws Exception {
    Instant now = Instant.now();
    LeakDetected leak = LeakDetected.newBuilder().setIncidentId(incident).setAccessKeyId(pair[0])
        .setKind(CredentialKind.RAM_USER_KEY).setMaskedKey(KeyForms.mask(pair[0]))
        .setSecretFingerprint(KeyForms.fingerprint(pair[1]))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("lp:file").build())
        .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).build())
        .setCallerIdentity(identity).build();
    detectedProducer.send(new ProducerRecord<>(TOPICS.leaksDetected().name(), pair[0], leak)).get();
    awaitQuietly(() -> enrichments.containsKey(incident));
    LeakEnriched enriched = enrichments.get(incident);
    if (enriched == null) {
      problems.add(incident + ": not enriched");
    } else if (enriched.getPartial()) {
      failures.add(incident + ": partial, owner " + enriched.getOwnerKind());
    } else if (enriched.getOwnerKind() != OwnerKind.RAM_USER) {
      problems.add(incident + ": owner " + enriched.getOwnerKind() + " and not partial");
    }
  }

  /**
   * A leak whose key made itself a way back in, as the enrichment lists it: a user {@code x-<tag>} with a console
   * login, a policy and a key, which the persistence sweep contains (ListAccessKeys, DeleteAccessKey,
   * DeleteLoginProfile) and whose policy it detaches (DetachPolicyFromUser), in a group the key gave a policy, which
   * the sweep detaches (DetachPolicyFromGroup).
   */
  private static String sweep(String account, String tag) throws Exception {
    String[] leaked = pair();
    String[] planted = pair();
    String user = "x-" + tag;
    TestFleet.account(account).user("p-" + tag, u -> u.key(leaked[0], leaked[1]).systemPolicy("AliyunRAMFullAccess"))
        .user(user, u -> u.key(planted[0], planted[1]).systemPolicy("AliyunRAMReadOnlyAccess"))
        .group("xg-" + tag, g -> g.member(user).systemPolicy("AliyunRAMReadOnlyAccess")).seed(emulator);
    addLoginProfile(leaked, user);
    Instant at = Instant.now();
    java.util.function.BiFunction<String, String, io.leakguard.schemas.PersistenceAction.Builder> action =
        (event, created) -> io.leakguard.schemas.PersistenceAction.newBuilder().setEventId(tag + event)
            .setEventName(event).setEventTime(at).setSourceIp("203.0.113.5").setAccountId(account)
            .setActorAccessKeyId(leaked[0]).setUserName(user).setCreatedAccessKeyId(created);
    String incident = tag + "-sweep";
    Instant now = Instant.now();
    LeakEnriched leak = LeakEnriched.newBuilder().setIncidentId(incident).setAccessKeyId(leaked[0])
        .setKind(CredentialKind.RAM_USER_KEY).setMaskedKey(KeyForms.mask(leaked[0]))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("lp:file").build())
        .setOwner(Owner.newBuilder().setAccountId(account).setUserName("p-" + tag).build())
        .setOwnerKind(OwnerKind.RAM_USER)
        .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).setEnrichedAt(now).build())
        .setPersistence(List.of(action.apply("CreateUser", null).build(),
            action.apply("AttachPolicyToUser", null).setPolicyType("System").setPolicyName("AliyunRAMReadOnlyAccess")
                .build(),
            action.apply("CreateAccessKey", planted[0]).build(),
            action.apply("AttachPolicyToGroup", null).setUserName(null).setGroupName("xg-" + tag)
                .setPolicyType("System").setPolicyName("AliyunRAMReadOnlyAccess").build()))
        .build();
    enrichedProducer.send(new ProducerRecord<>(TOPICS.leaksEnriched().name(), leaked[0], leak)).get();
    return incident;
  }

  /** Gives a user a console login as the attacker did: with the leaked pair, over HTTP. */
  private static void addLoginProfile(String[] leaked, String user) throws Exception {
    var request = new com.aliyuncs.ram.model.v20150501.CreateLoginProfileRequest();
    request.setUserName(user);
    request.setPassword("Pw-" + SyntheticKeys.secret().substring(0, 16));
    new io.leakguard.cloud.CloudCaller(io.leakguard.cloud.CloudSettings.defaults("cn-hangzhou")
        .withEndpointForAll(java.net.URI.create(emulator.endpoint())), new com.aliyuncs.auth.StaticCredentialsProvider(
            new com.aliyuncs.auth.BasicCredentials(leaked[0], leaked[1]))).call(io.leakguard.cloud.Product.RAM, request);
  }

  private static String send(String incident, String keyId, OwnerKind kind, Owner owner, CredentialKind credential)
      throws Exception {
    return send(incident, keyId, kind, owner, credential, List.of());
  }

  /** A leak whose credential ActionTrail saw used from {@code usedFromIps} (none of them suspicious). */
  private static String send(String incident, String keyId, OwnerKind kind, Owner owner, CredentialKind credential,
      List<String> usedFromIps) throws Exception {
    Instant now = Instant.now();
    LeakEnriched leak = LeakEnriched.newBuilder().setIncidentId(incident).setAccessKeyId(keyId).setKind(credential)
        .setMaskedKey(KeyForms.mask(keyId)).setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER)
            .setLocation("lp:file").build())
        .setOwner(owner).setOwnerKind(kind).setUsedFromIps(usedFromIps)
        .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).setEnrichedAt(now).build())
        .build();
    enrichedProducer.send(new ProducerRecord<>(TOPICS.leaksEnriched().name(), keyId, leak)).get();
    return incident;
  }

  private static String[] pair() {
    return new String[] {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
  }

  /** Waits for a condition; a timeout is reported by the caller's own checks, which say what is missing. */
  private static void awaitQuietly(java.util.concurrent.Callable<Boolean> condition) {
    try {
      await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // reported below
    }
  }

  // ------------------------------------------------------------------------------------------------ audit trail

  /** The newest {@code limit} events of the emulator's audit trail, newest first. */
  private static List<JsonNode> events(int limit) throws Exception {
    return stack.events(limit);
  }

  private static String newestEventId() throws Exception {
    List<JsonNode> events = events(1);
    return events.isEmpty() ? "" : events.get(0).path("eventId").asText();
  }

  /** The phase identity's calls after the event {@code mark}, oldest first; each is also noted in {@link #called}. */
  private static List<JsonNode> eventsSince(String mark, Phase phase) throws Exception {
    // Newest first and no paging in the admin API: ask for more until the mark is in the answer.
    int limit = 500;
    List<JsonNode> events = events(limit);
    while (limit < 10_000 && events.stream().noneMatch(e -> e.path("eventId").asText().equals(mark))) {
      limit = Math.min(limit * 4, 10_000);
      events = events(limit);
    }
    List<JsonNode> since = new ArrayList<>();
    for (JsonNode event : events) {
      if (event.path("eventId").asText().equals(mark)) {
        break;
      }
      if (phase.isOurs(event)) {
        since.add(0, event);
        called.add(phase.identity().roleName() + "|" + phase.documentOf(event).file() + "|" + permission(event));
      }
    }
    return since;
  }

  /**
   * The RAM action an event needed, e.g. {@code ram:ListUsers}. Security Center's actions are not named after its
   * service: the leak list is {@code yundun-aegis:}, the rest {@code yundun-sas:} (as its API reference documents).
   */
  private static String permission(JsonNode event) {
    String service = event.path("serviceName").asText();
    String name = event.path("eventName").asText();
    if (service.equals("Sas")) {
      return (name.equals("DescribeAccesskeyLeakList") ? "yundun-aegis:" : "yundun-sas:") + name;
    }
    if (service.equals("Ims")) {
      return "ram:" + name; // IMS's actions are authorized as RAM's (ram:SetAccessKeyPolicy)
    }
    return service.toLowerCase(java.util.Locale.ROOT) + ":" + name;
  }

  /** Whether an action of a document (with RAM's {@code *} wildcard) matches an action called. */
  private static boolean glob(String granted, String action) {
    return Pattern.compile(Stream.of(granted.split("\\*", -1)).map(Pattern::quote)
        .reduce((a, b) -> a + ".*" + b).orElse(""), Pattern.CASE_INSENSITIVE).matcher(action).matches();
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
