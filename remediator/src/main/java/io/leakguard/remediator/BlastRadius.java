package io.leakguard.remediator;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Bounds how much a remediator destroys: destructive steps (deleting a key, a role, a login profile, detaching a
 * policy) per account and over the whole fleet, per minute and per hour, counted when each step starts. Past a limit
 * the step is refused with the reason; the run then holds its incident, contained where the policy allows, and the
 * remediator pauses the account (or the fleet) on the control topic, so a person decides. A limit of 0 is no limit.
 * Counts are this instance's: with N remediator instances, N times the limits may be reached in all.
 */
final class BlastRadius {

  /** The steps that destroy something. Containment (UpdateAccessKey Inactive) and KMS writes are not among them. */
  static final Set<String> DESTRUCTIVE = Set.of("DeleteAccessKey", "DeleteOrphanKey", "DeleteRole",
      "DetachPolicyFromRole", "DetachPolicyFromUser", "DeleteLoginProfile");

  /** The limits; 0 turns one off. */
  record Limits(int perAccountPerMinute, int perAccountPerHour, int fleetPerMinute, int fleetPerHour) {
    static final Limits NONE = new Limits(0, 0, 0, 0);
  }

  static final String FLEET = "*";
  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;

  private final Limits limits;
  private final Clock clock;
  /** Start times of the destructive steps of the last hour, per account and under {@link #FLEET}. */
  private final Map<String, ArrayDeque<Long>> recent = new HashMap<>();

  BlastRadius(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Counts one destructive step in {@code account}, or refuses it: null when it may go ahead, else why not, naming
   * the scope to pause ({@code account} or the fleet) first.
   */
  synchronized Refusal admit(String account) {
    long now = clock.millis();
    String scope = account == null ? "?" : account;
    ArrayDeque<Long> mine = window(scope, now);
    ArrayDeque<Long> all = window(FLEET, now);
    String over = over(mine, now, limits.perAccountPerMinute(), limits.perAccountPerHour(), "account " + scope);
    if (over != null) {
      return new Refusal(scope, over);
    }
    over = over(all, now, limits.fleetPerMinute(), limits.fleetPerHour(), "the fleet");
    if (over != null) {
      return new Refusal(FLEET, over);
    }
    mine.addLast(now);
    all.addLast(now);
    return null;
  }

  /** A refused step: the scope to pause and the reason, in words. */
  record Refusal(String scope, String reason) {}

  private ArrayDeque<Long> window(String scope, long now) {
    ArrayDeque<Long> times = recent.computeIfAbsent(scope, s -> new ArrayDeque<>());
    while (!times.isEmpty() && times.peekFirst() <= now - HOUR) {
      times.removeFirst();
    }
    return times;
  }

  private static String over(ArrayDeque<Long> times, long now, int perMinute, int perHour, String who) {
    if (perMinute > 0 && times.stream().filter(t -> t > now - MINUTE).count() >= perMinute) {
      return "blast radius: " + perMinute + " destructive actions in " + who + " within a minute (the limit)";
    }
    if (perHour > 0 && times.size() >= perHour) {
      return "blast radius: " + perHour + " destructive actions in " + who + " within an hour (the limit)";
    }
    return null;
  }
}
