package io.leakguard.bridge.securitycenter;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.cloud.SecurityCenterGateway.LeakSummary;
import java.io.IOException;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * How far the poller has read one account's leak records: the latest first-detection time it has written
 * ({@code startTs}, epoch milliseconds, what the next {@code StartTs} asks from) and the IDs of the records it has
 * written that carry exactly that time. Security Center's times have whole seconds, so several records can share one;
 * the next round asks from {@code startTs} inclusive and skips those IDs, so a record is neither read twice nor lost
 * at the boundary.
 */
record Checkpoint(@JsonProperty("startTs") Long startTs, @JsonProperty("idsAtStartTs") Set<Long> idsAtStartTs) {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final Checkpoint NONE = new Checkpoint(null, Set.of());

  Checkpoint {
    idsAtStartTs = idsAtStartTs == null ? Set.of() : Set.copyOf(idsAtStartTs);
  }

  /** Whether a listed record was written before, by this checkpoint's account. */
  boolean covers(LeakSummary leak) {
    return startTs != null && (leak.gmtModified() < startTs
        || (leak.gmtModified() == startTs && idsAtStartTs.contains(leak.id())));
  }

  /** The checkpoint once {@code written} (records it does not cover) are written too. */
  Checkpoint after(Collection<LeakSummary> written) {
    Long latest = startTs;
    for (LeakSummary leak : written) {
      latest = latest == null ? leak.gmtModified() : Math.max(latest, leak.gmtModified());
    }
    Set<Long> ids = new TreeSet<>();
    if (latest != null && latest.equals(startTs)) {
      ids.addAll(idsAtStartTs);
    }
    for (LeakSummary leak : written) {
      if (latest != null && leak.gmtModified() == latest) {
        ids.add(leak.id());
      }
    }
    return new Checkpoint(latest, ids);
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The checkpoint a topic value holds; an unreadable value counts as none (the poller then reads from the start). */
  static Checkpoint parse(String json) {
    if (json == null) {
      return NONE;
    }
    try {
      return JSON.readValue(json, Checkpoint.class);
    } catch (IOException e) {
      return NONE;
    }
  }
}
