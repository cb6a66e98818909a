package io.leakguard.console;

/**
 * One change the console saw: an incident, a remediation outcome or a notification outcome was written for an
 * incident. What the page's live updates ({@code GET /api/events}) announce; the page then fetches what changed.
 *
 * @param kind       what changed
 * @param incidentId the incident it belongs to
 * @param status     the incident's status (INCIDENT) or the remediation status announced (the two others)
 */
public record Change(Kind kind, String incidentId, String status) {

  /** What kind of record changed. */
  public enum Kind { INCIDENT, REMEDIATION, NOTIFICATION }

  /** Where the topology reports changes; called on a stream thread, so it must not block. */
  @FunctionalInterface
  public interface Listener {
    void changed(Change change);

    Listener NONE = change -> { };
  }
}
