package io.leakguard.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.Sighting;
import io.leakguard.schemas.Timeline;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The console's JSON, the same for the API and the command line: a page of incident summaries, newest first, and an
 * incident's detail (the incident record, every remediation outcome with its steps and their durations, every
 * notification outcome, and the stage timeline of the latest record with the time each stage took).
 */
public final class IncidentViews {

  /** The remediation statuses in which a person's decision is awaited: the page shows Approve and Reject. */
  public static final Set<RemediationStatus> DECIDABLE = Set.of(RemediationStatus.AWAITING_APPROVAL,
      RemediationStatus.CONTAINED);

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private final IncidentData data;

  public IncidentViews(IncidentData data) {
    this.data = data;
  }

  /** The page the query asks for: {@code {"total":N,"offset":O,"limit":L,"incidents":[summary...]}}. */
  public ObjectNode list(IncidentQuery query) {
    List<Summary> matching = data.incidents().stream().map(this::summarize).filter(s -> s.matches(query))
        .sorted(Comparator.comparing((Summary s) -> s.incident.getFirstSightedAt()).reversed()
            .thenComparing(s -> s.incident.getIncidentId()))
        .toList();
    ObjectNode page = JSON.objectNode();
    page.put("total", matching.size());
    page.put("offset", query.offset());
    page.put("limit", query.limit());
    ArrayNode items = page.putArray("incidents");
    matching.stream().skip(query.offset()).limit(query.limit()).forEach(s -> items.add(s.json()));
    return page;
  }

  /** The incident's detail, or empty when no incident has the ID. */
  public Optional<ObjectNode> detail(String incidentId) {
    return data.incident(incidentId).map(incident -> {
      List<RemediationOutcome> remediations = data.remediations(incidentId);
      List<NotificationOutcome> notifications = data.notifications(incidentId);
      Summary summary = new Summary(incident, remediations.isEmpty() ? null : remediations.get(remediations.size()
          - 1));
      ObjectNode detail = summary.json();
      detail.set("timeline", timeline(remediations, notifications));
      ArrayNode steps = detail.putArray("steps");
      if (summary.latest != null) {
        for (RemediationStep step : summary.latest.getSteps()) {
          ObjectNode s = (ObjectNode) AvroJson.of(step);
          s.put("durationMillis", step.getFinishedAt().toEpochMilli() - step.getStartedAt().toEpochMilli());
          steps.add(s);
        }
      }
      detail.set("incident", AvroJson.of(incident));
      ArrayNode r = detail.putArray("remediations");
      remediations.forEach(o -> r.add(AvroJson.of(o)));
      ArrayNode n = detail.putArray("notifications");
      notifications.forEach(o -> n.add(AvroJson.of(o)));
      return detail;
    });
  }

  /** Whether a person's decision is awaited for the incident (its latest outcome), or empty when it is unknown. */
  public Optional<Boolean> awaitingDecision(String incidentId) {
    return data.incident(incidentId).map(incident -> {
      List<RemediationOutcome> remediations = data.remediations(incidentId);
      return new Summary(incident, remediations.isEmpty() ? null : remediations.get(remediations.size() - 1))
          .awaitingDecision();
    });
  }

  /** The latest stage timestamps the records carry, and each stage's duration from the one before. */
  private static ObjectNode timeline(List<RemediationOutcome> remediations, List<NotificationOutcome> notifications) {
    Timeline latest = !notifications.isEmpty() ? notifications.get(notifications.size() - 1).getTimeline()
        : !remediations.isEmpty() ? remediations.get(remediations.size() - 1).getTimeline() : null;
    ObjectNode node = JSON.objectNode();
    if (latest == null) {
      return node;
    }
    Instant[] at = {latest.getSightedAt(), latest.getDetectedAt(), latest.getEnrichedAt(), latest.getRemediatedAt(),
        latest.getNeutralizedAt(), latest.getNotifiedAt()};
    String[] names = {"sighted", "detected", "enriched", "remediated", "neutralized", "notified"};
    ArrayNode stages = node.putArray("stages");
    for (int i = 0; i < at.length; i++) {
      if (at[i] == null) {
        continue;
      }
      ObjectNode stage = stages.addObject();
      stage.put("stage", names[i]);
      stage.put("at", at[i].toString());
      stage.put("millisSinceSighted", at[i].toEpochMilli() - at[0].toEpochMilli());
    }
    return node;
  }

  private Summary summarize(Incident incident) {
    List<RemediationOutcome> remediations = data.remediations(incident.getIncidentId());
    return new Summary(incident, remediations.isEmpty() ? null : remediations.get(remediations.size() - 1));
  }

  /** An incident with its latest remediation outcome, if any. */
  private record Summary(Incident incident, RemediationOutcome latest) {

    RemediationStatus remediationStatus() {
      return latest != null ? latest.getStatus() : incident.getRemediationStatus();
    }

    boolean awaitingDecision() {
      return remediationStatus() != null && DECIDABLE.contains(remediationStatus());
    }

    String account() {
      return latest == null || latest.getOwner() == null ? null : latest.getOwner().getAccountId();
    }

    Set<String> sources() {
      Set<String> sources = new LinkedHashSet<>();
      for (Sighting s : incident.getSightings()) {
        sources.add(s.getSource().getType().name());
      }
      if (latest != null) {
        sources.add(latest.getSource().getType().name());
      }
      return sources;
    }

    boolean matches(IncidentQuery query) {
      if (query.status() != null && !query.status().equals(incident.getStatus().name())
          && (remediationStatus() == null || !query.status().equals(remediationStatus().name()))) {
        return false;
      }
      if (query.account() != null && !query.account().equals(account())) {
        return false;
      }
      if (query.source() != null && !sources().contains(query.source().name())) {
        return false;
      }
      return query.since() == null || !incident.getFirstSightedAt().isBefore(query.since());
    }

    ObjectNode json() {
      ObjectNode node = JSON.objectNode();
      node.put("incidentId", incident.getIncidentId());
      node.put("maskedKey", incident.getMaskedKey());
      node.put("kind", incident.getKind().name());
      node.put("status", incident.getStatus().name());
      node.put("remediationStatus", remediationStatus() == null ? null : remediationStatus().name());
      node.put("awaitingDecision", awaitingDecision());
      node.put("account", account());
      if (latest != null) {
        node.put("severity", latest.getSeverity().name());
        node.put("ownerKind", latest.getOwnerKind().name());
        node.put("mode", latest.getRemediationMode() == null ? latest.getMode() : latest.getRemediationMode()
            .name());
        node.put("decidedBy", latest.getDecidedBy());
      }
      ArrayNode sources = node.putArray("sources");
      sources().forEach(sources::add);
      node.put("firstSightedAt", incident.getFirstSightedAt().toString());
      node.put("lastSightedAt", incident.getLastSightedAt().toString());
      node.put("sightingCount", incident.getSightingCount());
      return node;
    }
  }
}
