package io.leakguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.RpcAcsRequest;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.ram.model.v20150501.AttachPolicyToUserRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyResponse;
import com.aliyuncs.ram.model.v20150501.CreateLoginProfileRequest;
import com.aliyuncs.ram.model.v20150501.CreateUserRequest;
import io.leakguard.cloud.CloudCaller;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.Product;
import io.leakguard.detector.DetectorApp;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.KeyView;
import io.leakguard.emulator.StateSnapshot;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.schemas.PersistenceAction;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.StepResult;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following the attacker, end to end: an admin's AccessKey leaks, and before it is sighted an "attacker" uses it from
 * another address, over the emulator's HTTP API with the real SDK, to create a user with a console password and
 * AdministratorAccess, a key for that user, and a key for an existing user; with the user's new key it then gives a
 * third user a key (the sweep follows keys the leaked key created). Then the leak is sighted. The detector, the
 * enricher (which reads all of it from ActionTrail) and the remediator, on a real broker with RRSA identities, undo
 * every step, touch no legitimate key, and put every step in one outcome.
 */
class PersistenceSweepIT {

  private static final String PREFIX = "ps.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);
  private static final String ATTACKER_IP = "203.0.113.66";

  @TempDir
  static Path dir;
  static PipelineStack stack;
  static Emulator emulator;
  static final String account = SyntheticKeys.accountId();
  static final Map<String, String[]> keys = Map.of(
      "ops", new String[] {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()},
      "bob", new String[] {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()},
      "carol", new String[] {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()});

  @BeforeAll
  static void startEverything() throws Exception {
    TestFleet.Account fleet = TestFleet.account(account).alias("ps")
        .policy("LeakGuardRemediator", DemoFleet.REMEDIATOR_POLICY)
        .policy("LeakGuardEnricher", DemoFleet.ENRICHER_POLICY)
        .user("ops", u -> u.key(keys.get("ops")[0], keys.get("ops")[1]).systemPolicy("AdministratorAccess"))
        .user("bob", u -> u.key(keys.get("bob")[0], keys.get("bob")[1]))
        .user("carol", u -> u.key(keys.get("carol")[0], keys.get("carol")[1]));
    stack = PipelineStack.startRrsa(dir, PREFIX, fleet);
    emulator = stack.emulator();
    stack.start(new DetectorApp(), stack.cloudArgs());
    List<String> enricher = new ArrayList<>(List.of(stack.cloudArgs()));
    // ActionTrail answers 2 lookups a second per account: the leaked key's and the created key's take a second.
    enricher.add("--enrich.activity.timeout=20s");
    stack.start(new EnricherApp(), enricher.toArray(String[]::new));
    stack.start(new RemediatorApp(), stack.cloudArgs());
    stack.awaitRunning(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void shouldUndoEverythingTheLeakedKeyCreatedAndNothingElse() throws Exception {
    // Given the attacker's sequence with ops's leaked key, from another address
    String[] ops = keys.get("ops");
    CloudCaller attacker = attacker(ops[0], ops[1]);
    CreateUserRequest user = new CreateUserRequest();
    user.setUserName("mallory");
    attacker.call(Product.RAM, fromAttacker(user));
    CreateLoginProfileRequest login = new CreateLoginProfileRequest();
    login.setUserName("mallory");
    login.setPassword("Pw-" + SyntheticKeys.secret().substring(0, 16));
    attacker.call(Product.RAM, fromAttacker(login));
    AttachPolicyToUserRequest admin = new AttachPolicyToUserRequest();
    admin.setUserName("mallory");
    admin.setPolicyType("System");
    admin.setPolicyName("AdministratorAccess");
    attacker.call(Product.RAM, fromAttacker(admin));
    CreateAccessKeyResponse.AccessKey mallorys = createKey(attacker, "mallory");
    CreateAccessKeyResponse.AccessKey bobs = createKey(attacker, "bob");
    // and, with mallory's new key, a key for carol
    CreateAccessKeyResponse.AccessKey carols = createKey(attacker(mallorys.getAccessKeyId(),
        mallorys.getAccessKeySecret()), "carol");
    Set<String> attackerKeys = Set.of(mallorys.getAccessKeyId(), bobs.getAccessKeyId(), carols.getAccessKeyId());

    // When the leak is sighted
    Instant sighted = Instant.now();
    stack.leak("ops/.env", "AK=" + ops[0] + "\nSK=" + ops[1]);

    // Then one outcome: ROTATED, the leaked key and all three attacker-made keys deleted
    RemediationOutcome outcome = stack.awaitValue(TOPICS.remediationOutcomes(), ops[0], o -> true,
        Duration.ofSeconds(120));
    assertEquals(RemediationStatus.ROTATED, outcome.getStatus(), outcome.getReason());
    assertTrue(emulator.state().key(ops[0]).isEmpty(), "the leaked key is deleted");
    for (String key : attackerKeys) {
      assertTrue(emulator.state().key(key).isEmpty(), key + " is deleted");
    }
    // and every legitimate key untouched
    for (String owner : List.of("bob", "carol")) {
      assertEquals("Active", emulator.state().key(keys.get(owner)[0]).map(KeyView::status).orElse("gone"), owner);
    }
    // and mallory is left with no key, no console login and no policy, for a person to delete
    StateSnapshot.UserView mallory = emulator.state().snapshot().users().stream()
        .filter(u -> u.userName().equals("mallory")).findFirst().orElseThrow();
    assertFalse(mallory.consoleLogin());
    assertEquals(List.of(), mallory.policies());
    assertEquals(List.of(), emulator.state().snapshot().keys().stream().filter(k -> "mallory".equals(k.userName()))
        .map(KeyView::accessKeyId).toList());
    // and the outcome lists every persistence action, each handled, the one made with mallory's key included
    Map<String, String> handling = new java.util.LinkedHashMap<>();
    outcome.getPersistence().forEach(a -> handling.put(a.getEventName() + " " + a.getUserName(), a.getHandling()));
    assertEquals(Set.of("CreateUser mallory", "CreateLoginProfile mallory", "AttachPolicyToUser mallory",
        "CreateAccessKey mallory", "CreateAccessKey bob", "CreateAccessKey carol"), handling.keySet());
    assertTrue(handling.get("CreateUser mallory").startsWith("contained: user mallory"), handling.toString());
    assertEquals("reverted: detached System:AdministratorAccess from user mallory",
        handling.get("AttachPolicyToUser mallory"));
    assertEquals("reverted: deleted AccessKey " + bobs.getAccessKeyId() + " of bob", handling.get("CreateAccessKey bob"));
    assertEquals("reverted: deleted AccessKey " + carols.getAccessKeyId() + " of carol",
        handling.get("CreateAccessKey carol"));
    assertTrue(outcome.getPersistence().stream().allMatch(a -> ATTACKER_IP.equals(a.getSourceIp())));
    assertEquals(mallorys.getAccessKeyId(), outcome.getPersistence().stream()
        .filter(a -> a.getUserName().equals("carol")).map(PersistenceAction::getActorAccessKeyId).findFirst()
        .orElseThrow());
    assertTrue(outcome.getSteps().stream().allMatch(s -> s.getOutcome() == StepResult.OK), outcome.getSteps().toString());
    assertFalse(outcome.toString().contains(mallorys.getAccessKeySecret()), "a secret is in the outcome");

    // and the evidence record, stored in KMS before the first destructive step, matches its hash and lists it all
    String evidence = emulator.state().snapshot().secrets().stream()
        .filter(secret -> secret.secretName().equals(outcome.getEvidenceSecret())).findFirst().orElseThrow()
        .versions().stream().filter(v -> v.versionId().equals(outcome.getIncidentId())).findFirst().orElseThrow()
        .versionId();
    assertEquals(outcome.getIncidentId(), evidence);
    assertEquals(List.of(), outcome.getEvidenceGaps());
    assertTrue(outcome.getSteps().stream().map(RemediationStep::getName).toList().indexOf("RecordEvidence")
        < outcome.getSteps().stream().map(RemediationStep::getName).toList().indexOf("DeleteAccessKey"),
        "evidence before the first destructive step");
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    int exit;
    try {
      exit = io.leakguard.cli.Leakguard.execute("evidence", outcome.getIncidentId(), "--kafka.bootstrap.servers",
          stack.broker().bootstrapServers(), "--topic.prefix", PREFIX, stack.cloudArgs()[0], stack.cloudArgs()[1]);
    } finally {
      System.setOut(out);
    }
    String record = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, exit, record);
    assertTrue(record.contains("\"persistence\"") && record.contains(bobs.getAccessKeyId())
        && record.contains("\"userName\" : \"ops\""), record);
    assertEquals(outcome.getEvidenceSha256(), io.leakguard.schemas.KeyForms.fingerprint(
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(record).toString()));
    // and it holds the leaked key's own calls from ActionTrail, the attacker's among them
    var events = new com.fasterxml.jackson.databind.ObjectMapper().readTree(record).path("events");
    assertTrue(java.util.stream.StreamSupport.stream(events.spliterator(), false).anyMatch(e
        -> e.path("eventName").asText().equals("CreateUser") && e.path("sourceIpAddress").asText().equals(ATTACKER_IP)),
        record);

    Instant lastRevert = outcome.getSteps().stream().map(RemediationStep::getFinishedAt).max(Instant::compareTo)
        .orElseThrow();
    Instant keyDeleted = outcome.getTimeline().getNeutralizedAt();
    System.out.printf("persistence sweep timeline: sighting to leaked key deleted %d ms, to last revert %d ms; "
        + "%d persistence actions, %d steps%n", Duration.between(sighted, keyDeleted).toMillis(),
        Duration.between(sighted, lastRevert).toMillis(), outcome.getPersistence().size(), outcome.getSteps().size());
  }

  private static CloudCaller attacker(String id, String secret) {
    return new CloudCaller(CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        new StaticCredentialsProvider(new BasicCredentials(id, secret)));
  }

  private static <R extends com.aliyuncs.AcsResponse> RpcAcsRequest<R> fromAttacker(RpcAcsRequest<R> request) {
    request.putHeaderParameter("X-Forwarded-For", ATTACKER_IP);
    return request;
  }

  private static CreateAccessKeyResponse.AccessKey createKey(CloudCaller caller, String user) throws Exception {
    CreateAccessKeyRequest request = new CreateAccessKeyRequest();
    request.setUserName(user);
    return caller.call(Product.RAM, fromAttacker(request)).getAccessKey();
  }
}
