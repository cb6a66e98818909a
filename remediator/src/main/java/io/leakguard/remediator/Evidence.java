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
 * snapshotted before its first destructive step. For a RAM user's key: the user's keys (IDs, status, creation),
 * attached policies, the groups it is in (with when it joined and each group's policies) and its admin-level policies
 * as the enrichment found them; for an STS token: the role's trust policy, maximum session and policies; for both: where the leak
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
 *
 * <p>The record also holds the leaked credential's own ActionTrail events from {@code window} before the first
 * sighting until now (LookupEvents on {@code EventAccessKeyId}; one page, the newest 50): name, time, address, error,
 * request parameters and response elements, any field named like a secret, token or password left out at any depth.
 * The read waits at most {@link #EVENTS_BUDGET}: LookupEvents allows 2 calls a second per account, and under a storm
 * the evidence must not hold up a deletion; a read not done in time is a gap, and ActionTrail keeps the events.
 */
final class Evidence {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final java.time.Duration DEFAULT_WINDOW = java.time.Duration.ofHours(24);
  static final java.time.Duration EVENTS_BUDGET = java.time.Duration.ofSeconds(2);
  static final int EVENTS_MAX = 50;
  /** The record's size at most, in bytes: within a KMS secret value's limit with room to spare. */
  static final int MAX_BYTES = 28_000;
  private static final java.util.regex.Pattern SECRET_FIELD = java.util.regex.Pattern.compile(
      "(?i).*(secret|password|securitytoken|signature|privatekey).*");
  private static final java.util.concurrent.ExecutorService READS = java.util.concurrent.Executors.newCachedThreadPool(
      r -> {
        Thread t = new Thread(r, "leakguard-evidence-trail");
        t.setDaemon(true);
        return t;
      });

  private Evidence() {}

  /** The KMS secret name of an incident's evidence in an account. */
  static String secretName(String account, String incident) {
    return "leakguard/" + account + "/evidence/" + incident;
  }

  /**
   * Records the evidence once per incident (a resumed run finds it in the journal): reads, stores in KMS, and sets
   * the journal's secret name, hash and gaps. A failed KMS write fails the step (thrown, retried like any step).
   */
  static void record(StepJournal steps, AlibabaCloud cloud, String account, RoleRecord role,
      java.time.Duration window) throws CloudException {
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
      groups(record, cloud.ram(), user, gaps);
      journal.getOwnerPrivileges().forEach(record.putArray("ownerPrivileges")::add);
    }
    if (role != null) {
      ObjectNode node = record.putObject("role").put("roleName", role.roleName()).put("roleId", role.roleId())
          .put("trustPolicy", role.trustPolicy()).put("description", role.description())
          .put("maxSessionDuration", role.maxSessionDuration());
      role.policies().forEach(node.putArray("policies")::add);
    }
    if (!window.isZero()) {
      events(record, cloud, journal, window, steps.now(), gaps);
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
    fitInOneSecret(record, gaps);
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

  /** The groups the user is in, with when it joined and each group's policies (which the user has too). */
  private static void groups(ObjectNode record, RamGateway ram, String user, List<String> gaps) {
    ArrayNode groups = record.putArray("userGroups");
    List<RamGateway.GroupMembership> memberships;
    try {
      memberships = ram.listGroupsForUser(user);
    } catch (CloudException e) {
      gaps.add("groups of user " + user + ": " + e.code());
      return;
    }
    for (RamGateway.GroupMembership group : memberships) {
      ObjectNode node = groups.addObject().put("groupName", group.groupName()).put("groupId", group.groupId())
          .put("joinDate", group.joinDate());
      try {
        ArrayNode policies = node.putArray("policies");
        ram.listPoliciesForGroup(group.groupName()).forEach(p -> policies.add(p.toString()));
      } catch (CloudException e) {
        gaps.add("policies of group " + group.groupName() + ": " + e.code());
      }
    }
  }

  /** The leaked credential's ActionTrail events, read within {@link #EVENTS_BUDGET}, or a gap saying why not. */
  private static void events(ObjectNode record, AlibabaCloud cloud, RemediationJournal.Builder journal,
      java.time.Duration window, java.time.Instant now, List<String> gaps) {
    java.time.Instant from = journal.getTimeline().getSightedAt().minus(window);
    record.put("eventsFrom", from.toString());
    String what = "ActionTrail events of " + journal.getMaskedKey() + ": ";
    java.util.concurrent.Future<List<io.leakguard.cloud.ActionTrailGateway.TrailEvent>> read = READS.submit(
        () -> cloud.actionTrail().eventsOfAccessKey(journal.getAccessKeyId(), from, now, EVENTS_MAX,
            EVENTS_BUDGET.dividedBy(2)));
    try {
      ArrayNode events = record.putArray("events");
      for (var event : read.get(EVENTS_BUDGET.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        ObjectNode node = events.addObject().put("eventId", event.eventId()).put("eventName", event.eventName())
            .put("serviceName", event.serviceName()).put("eventRW", event.eventRW())
            .put("eventTime", event.eventTime() == null ? null : event.eventTime().toString())
            .put("sourceIpAddress", event.sourceIpAddress()).put("errorCode", event.errorCode())
            .put("userName", event.userName()).put("accountId", event.accountId());
        if (event.isLeakGuardProbe()) {
          node.put("leakGuardProbe", true);
        }
        node.set("requestParameters", withoutSecrets(JSON.valueToTree(event.requestParameters())));
        node.set("responseElements", withoutSecrets(JSON.valueToTree(event.responseElements())));
      }
    } catch (java.util.concurrent.TimeoutException e) {
      read.cancel(true);
      gaps.add(what + "not read within " + EVENTS_BUDGET.toSeconds() + " s (LookupEvents allows 2 calls a second "
          + "per account); ActionTrail keeps them");
    } catch (java.util.concurrent.ExecutionException e) {
      gaps.add(what + (e.getCause() instanceof CloudException c ? c.code() + (c.code().equals("LeakGuard.RateLimited")
          ? " (LookupEvents allows 2 calls a second per account); ActionTrail keeps them" : "") : "failed"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      gaps.add(what + "interrupted");
    }
  }

  /**
   * Keeps the record within {@link #MAX_BYTES}, below a KMS secret value's size limit, by leaving out its oldest
   * events (the list is newest first); how many were left out is a gap.
   */
  private static void fitInOneSecret(ObjectNode record, List<String> gaps) {
    ArrayNode events = record.has("events") ? (ArrayNode) record.get("events") : null;
    int left = 0;
    while (events != null && !events.isEmpty()
        && record.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES - 2_000) {
      events.remove(events.size() - 1);
      left++;
    }
    if (left > 0) {
      gaps.add("ActionTrail events: the " + left + " oldest left out to keep the record within " + MAX_BYTES
          + " bytes; ActionTrail keeps them");
    }
  }

  /** A copy of a JSON tree without any field whose name says it holds a secret, at any depth. */
  static com.fasterxml.jackson.databind.JsonNode withoutSecrets(com.fasterxml.jackson.databind.JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      node.fields().forEachRemaining(f -> {
        if (!SECRET_FIELD.matcher(f.getKey()).matches()) {
          copy.set(f.getKey(), withoutSecrets(f.getValue()));
        }
      });
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(item -> copy.add(withoutSecrets(item)));
      return copy;
    }
    return node;
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
