package io.leakguard.console;

import io.leakguard.schemas.Incident;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import java.util.List;
import java.util.Optional;

/**
 * What the console knows, by incident ID: the console service's stores ({@link StoreData}) or, for the command line,
 * the topics read to their end ({@link TopicSnapshot}). {@link IncidentViews} turns either into the same JSON.
 */
public interface IncidentData {

  Optional<Incident> incident(String incidentId);

  /** Every incident, in no particular order. */
  List<Incident> incidents();

  /** The incident's remediation outcomes, oldest first. */
  List<RemediationOutcome> remediations(String incidentId);

  /** The incident's notification outcomes, oldest first. */
  List<NotificationOutcome> notifications(String incidentId);

  /** Thrown while the stores cannot be queried (starting, rebalancing): the API answers 503. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
