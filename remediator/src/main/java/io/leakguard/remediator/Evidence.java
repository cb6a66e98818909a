package io.leakguard.remediator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.RamGateway;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.PersistenceAction;
import io.leakguard.schemas.RemediationJournal;
import java.util.ArrayList;
import java.util.List;

/**
 * The evidence record of an incident: what a responder needs later of what the remediation is about to change,
 * snapshotted before its first destructive step. For a RAM user's key: the user's keys (IDs, status, creation) and
 * attached policies; for an STS token: the role's trust policy, maximum session and policies; for both: where the leak
 * was seen and everything the leaked credential created or changed (the persistence list: ActionTrail event IDs,
 * times, addresses, targets), so the raw events can be fetched from ActionTrail, which keeps them whatever LeakGuard
 * deletes.
 *
 * <p>Stored as a KMS secret, {@code leakguard/<account>/evidence/<incident>} (version = incident ID): encrypted at rest
 * by KMS, readable only with {@code kms:GetSecretValue} on that name (RAM decides who, separately from who may read
 * Kafka), every read in ActionTrail, and kept after the topics' retention. The SHA-256 of the JSON as stored goes into
 * the outcome (lower-case hex, as {@link KeyForms#fingerprint} computes it); {@code leakguard evidence INCIDENT}
 * prints the record and checks it. A read that is refused or fails is
 * a gap, named in the record and the outcome: the leak is still neutralized, since a missing snapshot must never keep
 * a leaked key alive. Names and IDs only, never a secret.
 */
final class Evidence {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Evidence() {}

  /** The KMS secret name of an incident's evidence in an account. */
  static String secretName(String account, String incident) {
    return "leakguard/" + account + "/evidence/" + incident;
  }

  /**
   * Records the evidence once per incident (a resumed run finds it in the journal): reads, stores in KMS, and sets
   * the journal's secret name, hash and gaps. A failed KMS write fails the step (thrown, retried like any step).
   */
  static void record(StepJournal steps, AlibabaCloud cloud, String account, RoleRecord role)
      throws CloudException {
    RemediationJournal.Builder journal = steps.entry();
    if (journal.getEvidenceSha256() != null || account == null) {
      return;
    }
    String name = secretName(account, journal.getIncidentId());
    List<String> gaps = new ArrayList<>();
    ObjectNode record = JSON.createObjectNode();
    record.put("incidentId", journal.getIncidentId());
    record.put("accessKeyId", journal.getAccessKeyId());
    record.put("maskedKey", journal.getMaskedKey());
    record.put("kind", journal.getKind().name());
    record.put("accountId", account);
    record.put("source", journal.getSource().getType() + " " + journal.getSource().getLocation());
    record.put("sightedAt", journal.getTimeline().getSightedAt().toString());
    record.put("recordedAt", steps.now().toString());
    String user = journal.getOwner().getUserName();
    if (user != null) {
      record.put("userName", user);
      try {
        ArrayNode keys = record.putArray("userKeys");
        for (RamGateway.AccessKey key : cloud.ram().listAccessKeys(user)) {
          keys.addObject().put("accessKeyId", key.accessKeyId()).put("status", key.status())
              .put("createDate", key.createDate());
        }
      } catch (CloudException e) {
        gaps.add("keys of user " + user + ": " + e.code());
      }
      try {
        ArrayNode policies = record.putArray("userPolicies");
        cloud.ram().listPoliciesForUser(user).forEach(p -> policies.add(p.toString()));
      } catch (CloudException e) {
        gaps.add("policies of user " + user + ": " + e.code());
      }
    }
    if (role != null) {
      ObjectNode node = record.putObject("role").put("roleName", role.roleName()).put("roleId", role.roleId())
          .put("trustPolicy", role.trustPolicy()).put("description", role.description())
          .put("maxSessionDuration", role.maxSessionDuration());
      role.policies().forEach(node.putArray("policies")::add);
    }
    ArrayNode persistence = record.putArray("persistence");
    for (PersistenceAction action : journal.getPersistence()) {
      ObjectNode node = persistence.addObject().put("eventId", action.getEventId())
          .put("eventName", action.getEventName())
          .put("eventTime", action.getEventTime() == null ? null : action.getEventTime().toString())
          .put("sourceIp", action.getSourceIp()).put("accountId", action.getAccountId())
          .put("actor", KeyForms.mask(action.getActorAccessKeyId())).put("userName", action.getUserName())
          .put("createdAccessKeyId", action.getCreatedAccessKeyId()).put("policyName", action.getPolicyName())
          .put("roleName", action.getRoleName()).put("resource", action.getResource());
      node.put("policyType", action.getPolicyType());
    }
    ArrayNode gapList = record.putArray("gaps");
    gaps.forEach(gapList::add);
    String text = record.toString();
    String kept = steps.step("RecordEvidence", () -> {
      try {
        cloud.kms().storeText(name, journal.getIncidentId(), text);
        return text;
      } catch (CloudException e) {
        if (!"Rejected.ResourceExist".equals(e.code())) {
          throw e;
        }
        // An earlier run of this incident stored its record and stopped before its journal said so: that record,
        // taken before anything was destroyed, is the evidence.
        return cloud.kms().textVersion(name, journal.getIncidentId()).orElseThrow(() -> e);
      }
    }, t -> (t.equals(text) ? "stored the evidence record in KMS secret " : "kept the evidence record an earlier run "
        + "stored in KMS secret ") + name + " (sha256 " + KeyForms.fingerprint(t) + ")"
        + (gaps.isEmpty() || !t.equals(text) ? "" : "; gaps: " + gaps));
    journal.setEvidenceSecret(name).setEvidenceSha256(KeyForms.fingerprint(kept))
        .setEvidenceGaps(kept.equals(text) ? List.copyOf(gaps) : gapsOf(kept));
  }

  /** The gaps a stored record names. */
  private static List<String> gapsOf(String stored) {
    try {
      List<String> gaps = new ArrayList<>();
      JSON.readTree(stored).path("gaps").forEach(g -> gaps.add(g.asText()));
      return List.copyOf(gaps);
    } catch (java.io.IOException e) {
      return List.of("the stored record is not JSON");
    }
  }
}
