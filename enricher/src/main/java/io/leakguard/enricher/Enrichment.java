package io.leakguard.enricher;

import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import java.util.concurrent.CompletableFuture;

/**
 * Adds owner, activity and severity to a detected leak. Never blocks (the caller is the stream thread) and never
 * fails for a cloud failure: it marks the result partial.
 */
public interface Enrichment {

  /**
   * @param leak  the detected leak
   * @param known the inventory's entry for the key, or null when the inventory has not seen it
   * @return the enriched leak, once known
   */
  CompletableFuture<LeakEnriched> enrich(LeakDetected leak, InventoryEntry known);
}
