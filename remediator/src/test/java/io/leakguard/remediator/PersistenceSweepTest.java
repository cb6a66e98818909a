package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.RpcAcsRequest;
import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.ram.model.v20150501.AttachPolicyToUserRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.CreateLoginProfileRequest;
import com.aliyuncs.ram.model.v20150501.CreateUserRequest;
import io.leakguard.cloud.CloudCaller;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.Product;
import io.leakguard.emulator.KeyView;
import io.leakguard.emulator.StateSnapshot;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.JournalStepStatus;
import io.leakguard.schemas.PersistenceAction;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The persistence sweep against the emulator over HTTP: an "attacker" uses alice's leaked key from another address
 * to create a user with a console password and AdministratorAccess, a key for it, and a key for bob; the remediation
 * of the leak undoes all of it and touches nothing else, also when it is killed in the middle of the sweep.
 */
class PersistenceSweepTest extends EmulatedCloudTest {

  private static final String ATTACKER_IP = "203.0.113.66";
  private final String bobKey = SyntheticKeys.accessKeyId();
  private final List<PersistenceAction> persistence = new ArrayList<>();
  private String malloryKey;
  private String bobsNewKey;

  @BeforeEach
  void attack() throws Exception {
    TestFleet.Account fleet = fleetWith(u -> u.key(leakedId, leakedSecret, KEYS_CREATED)
        .systemPolicy("AdministratorAccess"))
        .user("bob", u -> u.key(bobKey, SyntheticKeys.secret(), KEYS_CREATED))
        .group("Ops", g -> g.member("bob").systemPolicy("ReadOnlyAccess"));
    fleet.seed(emulator);
    CloudCaller attacker = new CloudCaller(settings(),
        new StaticCredentialsProvider(new BasicCredentials(leakedId, leakedSecret)));
    CreateUserRequest user = new CreateUserRequest();
    user.setUserName("mallory");
    CreateLoginProfileRequest login = new CreateLoginProfileRequest();
    login.setUserName("mallory");
    login.setPassword("Pw-" + SyntheticKeys.secret().substring(0, 16));
    AttachPolicyToUserRequest admin = new AttachPolicyToUserRequest();
    admin.setUserName("mallory");
    admin.setPolicyType("System");
    admin.setPolicyName("AdministratorAccess");
    CreateAccessKeyRequest forMallory = new CreateAccessKeyRequest();
    forMallory.setUserName("mallory");
    CreateAccessKeyRequest forBob = new CreateAccessKeyRequest();
    forBob.setUserName("bob");
    com.aliyuncs.ram.model.v20150501.AttachPolicyToGroupRequest opsAdmin =
        new com.aliyuncs.ram.model.v20150501.AttachPolicyToGroupRequest();
    opsAdmin.setGroupName("Ops");
    opsAdmin.setPolicyType("System");
    opsAdmin.setPolicyName("AdministratorAccess");
    for (RpcAcsRequest<?> request : List.<RpcAcsRequest<?>>of(user, login, admin, forMallory, forBob, opsAdmin)) {
      request.putHeaderParameter("X-Forwarded-For", ATTACKER_IP);
    }
    attacker.call(Product.RAM, user);
    attacker.call(Product.RAM, login);
    attacker.call(Product.RAM, admin);
    malloryKey = attacker.call(Product.RAM, forMallory).getAccessKey().getAccessKeyId();
    bobsNewKey = attacker.call(Product.RAM, forBob).getAccessKey().getAccessKeyId();
    attacker.call(Product.RAM, opsAdmin);
    // What the enricher lists for these calls (its own tests read them from the trail).
    persistence.add(action("CreateUser", "mallory", null, null));
    persistence.add(action("CreateLoginProfile", "mallory", null, null));
    persistence.add(action("AttachPolicyToUser", "mallory", null, "AdministratorAccess"));
    persistence.add(action("CreateAccessKey", "mallory", malloryKey, null));
    persistence.add(action("CreateAccessKey", "bob", bobsNewKey, null));
    persistence.add(action("RunCommand", null, null, null));
    persistence.add(PersistenceAction.newBuilder(action("AttachPolicyToGroup", null, null, "AdministratorAccess"))
        .setGroupName("Ops").build());
  }

  private PersistenceAction action(String event, String user, String createdKey, String policy) {
    return PersistenceAction.newBuilder().setEventId(event + "-" + persistence.size()).setEventName(event)
        .setEventTime(Instant.now()).setSourceIp(ATTACKER_IP).setAccountId(account).setActorAccessKeyId(leakedId)
        .setUserName(user).setCreatedAccessKeyId(createdKey).setPolicyType(policy == null ? null : "System")
        .setPolicyName(policy).setResource(event.equals("RunCommand") ? "InstanceId=i-attacker" : null).build();
  }

  private RemediationJournal journal(String incident, String policy) {
    return journalFor(Leaks.builder(incident, leakedId, Instant.now())
        .setOwnerKind(io.leakguard.schemas.OwnerKind.RAM_USER)
        .setOwner(io.leakguard.schemas.Owner.newBuilder().setAccountId(account).setUserName("alice").build())
        .setPersistence(persistence).build(), policy);
  }

  @Test
  void shouldUndoWhatTheLeakedKeyCreatedAndTouchNothingElse() throws Exception {
    // When the leak is remediated
    RemediationJournal done = run(journal("inc-sweep", null));

    // Then the leaked key is rotated, and both attacker-made keys are deleted
    assertRotatedExactlyOnce(done, "inc-sweep");
    assertTrue(emulator.state().key(malloryKey).isEmpty());
    assertTrue(emulator.state().key(bobsNewKey).isEmpty());
    // and bob's own key is untouched
    assertEquals("Active", emulator.state().key(bobKey).map(KeyView::status).orElse("gone"));
    // and mallory is left, with no key, no console login and no policy
    StateSnapshot.UserView mallory = user("mallory");
    assertFalse(mallory.consoleLogin());
    assertEquals(List.of(), mallory.policies());
    assertEquals(0, emulator.state().snapshot().keys().stream().filter(k -> "mallory".equals(k.userName())).count());
    // and the outcome says what was done about each action, the ECS command reported
    RemediationOutcome outcome = Journals.outcome(done, Instant.now());
    List<String> handling = outcome.getPersistence().stream().map(PersistenceAction::getHandling).toList();
    assertTrue(handling.get(0).startsWith("contained: user mallory: 1 key(s) deleted, console login removed"),
        handling.toString());
    assertTrue(handling.get(1).startsWith("reverted: "), handling.toString());
    assertEquals("reverted: detached System:AdministratorAccess from user mallory", handling.get(2));
    assertEquals("reverted: AccessKey " + malloryKey + " of mallory was already gone", handling.get(3));
    assertEquals("reverted: deleted AccessKey " + bobsNewKey + " of bob", handling.get(4));
    assertEquals("reported", handling.get(5));
    // and the Ops group lost the policy the attacker gave it, and kept its member and its own policy
    assertEquals("reverted: detached System:AdministratorAccess from group Ops", handling.get(6));
    StateSnapshot.GroupView ops = emulator.state().snapshot().groups().get(0);
    assertEquals(List.of("System:ReadOnlyAccess"), ops.policies());
    assertEquals(List.of("bob"), ops.members());
    assertTrue(outcome.getPlan().stream().anyMatch(p -> p.startsWith("sweep: RAM DeleteAccessKey " + bobsNewKey)),
        outcome.getPlan().toString());
    assertFalse(outcome.getCredentialMayBeLive());
  }

  @Test
  void shouldRevertNothingTwiceAndMissNothingWhenKilledDuringTheSweep() throws Exception {
    // Given a run killed right after the sweep deleted mallory's key, before it recorded that (and another after
    // the detachment)
    RemediationJournal first = runUntil(journal("inc-crash", null), afterOk("DeleteAccessKey", malloryKey));
    assertEquals(io.leakguard.schemas.JournalPhase.PENDING, first.getPhase());
    RemediationJournal second = runUntil(first, afterOk("DetachPolicyFromUser", null));

    // When the next run resumes from what was journaled
    RemediationJournal done = run(second);

    // Then everything is undone, each revert exactly once
    assertEquals(RemediationStatus.ROTATED, done.getStatus(), done.getReason());
    assertTrue(emulator.state().key(malloryKey).isEmpty() && emulator.state().key(bobsNewKey).isEmpty());
    assertFalse(user("mallory").consoleLogin());
    assertEquals(List.of(), user("mallory").policies());
    assertEquals("Active", emulator.state().key(bobKey).map(KeyView::status).orElse("gone"));
    assertEquals(1, okSteps(done, "DeleteAccessKey", malloryKey), "mallory's key deleted once");
    assertEquals(1, okSteps(done, "DeleteAccessKey", bobsNewKey), "bob's new key deleted once");
    assertEquals(1, okSteps(done, "DetachPolicyFromUser", "AdministratorAccess"), "detached once");
    assertTrue(done.getPersistence().stream().allMatch(a -> a.getHandling() != null
        && !a.getHandling().startsWith("failed")), done.getPersistence().toString());
    System.out.printf("sweep crash test: 2 kills, %d steps in all, %d reverts, 0 repeated%n", done.getSteps().size(),
        done.getSteps().stream().filter(s -> s.getStatus() == JournalStepStatus.OK && (s.getName().startsWith("Delete")
            || s.getName().startsWith("Detach"))).count());
  }

  @Test
  void shouldOnlyReportWhenThePolicySaysSo() throws Exception {
    RemediationJournal done = run(journal("inc-report", "{\"default\":{\"persistence\":{\"accessKeys\":\"report\","
        + "\"users\":\"report\",\"loginProfiles\":\"report\",\"policies\":\"report\"}}}"));

    assertEquals(RemediationStatus.ROTATED, done.getStatus(), done.getReason());
    assertTrue(emulator.state().key(leakedId).isEmpty(), "the leaked key itself is still deleted");
    assertTrue(emulator.state().key(malloryKey).isPresent() && emulator.state().key(bobsNewKey).isPresent());
    assertTrue(user("mallory").consoleLogin());
    assertTrue(done.getPersistence().stream().allMatch(a -> a.getHandling().equals("reported")));
  }

  @Test
  void shouldFailAndRetryWhenARevertIsRefused() throws Exception {
    // Given LeakGuard may not detach policies from users
    emulator.faults().configure(new io.leakguard.emulator.Faults.Config(1L, List.of(
        new io.leakguard.emulator.Faults.Rule("Ram:DetachPolicyFromUser", 1.0, "NoPermission", null, null, null)),
        null));

    // When the leak is remediated (the engine ends a run on a refusal as FAILED)
    java.util.concurrent.atomic.AtomicReference<RemediationJournal> last = new java.util.concurrent.atomic
        .AtomicReference<>();
    RemediationRun run = new RemediationRun(fleet, TEMPLATE, java.time.Clock.systemUTC(), journal("inc-refused", null),
        last::set, () -> false);
    CloudException refused = org.junit.jupiter.api.Assertions.assertThrows(CloudException.class, run::run);
    run.fail(refused);
    RemediationJournal done = last.get();

    // Then the leaked key is gone, but the incident is FAILED naming the refusal, and due for a retry
    assertTrue(emulator.state().key(leakedId).isEmpty());
    assertEquals(RemediationStatus.FAILED, done.getStatus());
    assertTrue(done.getReason().contains("NoPermission"), done.getReason());
    assertEquals("failed: NoPermission", done.getPersistence().get(2).getHandling());
    assertTrue(Journals.mayBeLive(done), "an unswept persistence is as urgent as a live key");
  }

  private StateSnapshot.UserView user(String name) {
    return emulator.state().snapshot().users().stream().filter(u -> u.userName().equals(name)).findFirst()
        .orElseThrow();
  }

  private static Predicate<RemediationJournal> afterOk(String step, String detail) {
    return j -> j.getSteps().stream().anyMatch(s -> s.getName().equals(step) && s.getStatus() == JournalStepStatus.OK
        && (detail == null || s.getDetail().contains(detail)));
  }

  private static long okSteps(RemediationJournal journal, String step, String detail) {
    return journal.getSteps().stream().filter(s -> s.getName().equals(step) && s.getStatus() == JournalStepStatus.OK
        && s.getDetail().contains(detail)).map(JournalStep::getDetail).count();
  }
}
