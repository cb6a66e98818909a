package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leakguard.schemas.RemediationStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemediationPlanTest {

  private static final String ACCOUNT = "1000000000000001";
  private static final String SECRET = "leakguard/1000000000000001/alice";

  private static List<String> keyPlan(RemediationStrategy strategy, List<String> orphans, String stored) {
    return RemediationPlan.forKey(strategy, "inc-1", "LTAI****0001", ACCOUNT, "alice", SECRET, orphans, true, stored);
  }

  @Test
  void shouldDeleteOrphansThenReplaceThenDeleteTheLeakedKeyWhenReplacingFirst() {
    assertEquals(List.of(
        "RAM DeleteAccessKey LTAI-orphan of user alice (orphan) (account " + ACCOUNT + ")",
        "RAM CreateAccessKey for user alice (account " + ACCOUNT + ")",
        "KMS PutSecretValue " + SECRET + " VersionId=inc-1 (CreateSecret when absent)",
        "RAM DeleteAccessKey LTAI****0001 of user alice (account " + ACCOUNT + ")"),
        keyPlan(RemediationStrategy.REPLACE_FIRST, List.of("LTAI-orphan"), null));
  }

  @Test
  void shouldDeleteTheLeakedKeyBeforeCreatingOneWhenRevokingFirst() {
    List<String> plan = keyPlan(RemediationStrategy.REVOKE_FIRST, List.of(), null);

    assertEquals(3, plan.size(), plan.toString());
    assertEquals("RAM DeleteAccessKey LTAI****0001 of user alice (account " + ACCOUNT + ")", plan.get(0));
    assertEquals("RAM CreateAccessKey for user alice (account " + ACCOUNT + ")", plan.get(1));
  }

  @Test
  void shouldOnlyDeleteTheLeakedKeyWhenTheNewKeyIsAlreadyStored() {
    assertEquals(List.of("RAM DeleteAccessKey LTAI****0001 of user alice (account " + ACCOUNT + ")"),
        keyPlan(RemediationStrategy.REPLACE_FIRST, List.of(), "LTAI-stored"));
  }

  @Test
  void shouldRotateTheManagedSecretInsteadOfCreatingAKey() {
    assertEquals(List.of("KMS RotateSecret " + SECRET + " VersionId=inc-1",
        "RAM DeleteAccessKey LTAI****0001 of user alice (account " + ACCOUNT + ") if the rotation left it"),
        keyPlan(RemediationStrategy.ROTATE_SECRET, List.of(), null));
  }

  @Test
  void shouldPlanNothingButTheEscalation() {
    assertEquals(List.of("none: escalate to the security team"),
        keyPlan(RemediationStrategy.ESCALATE, List.of("LTAI-orphan"), null));
  }

  @Test
  void shouldRecordDetachAndRecreateTheRoleWhenReincarnating() {
    RoleRecord record = new RoleRecord("3001", "app", "{}", null, 7200, List.of("System:A", "Custom:B"));
    String name = RoleRecord.secretName(ACCOUNT, "app");

    assertEquals(List.of(
        "KMS PutSecretValue " + name + " VersionId=inc-1 (the role and its policies)",
        "RAM DetachPolicyFromRole System:A from app", "RAM DetachPolicyFromRole Custom:B from app",
        "RAM DeleteRole app", "RAM CreateRole app (same trust policy, max session 7200 s, description)",
        "RAM AttachPolicyToRole System:A to app", "RAM AttachPolicyToRole Custom:B to app"),
        RemediationPlan.forRole(RemediationStrategy.REINCARNATE, "inc-1", name, "app", record));
    assertEquals(3, RemediationPlan.forRole(RemediationStrategy.PURGE, "inc-1", name, "app", record).size());
  }
}
