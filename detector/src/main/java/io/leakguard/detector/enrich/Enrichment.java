package io.leakguard.detector.enrich;

import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;

/** Adds owner, activity and severity to a detected leak. Never throws for a cloud failure: it marks the result partial. */
public interface Enrichment {

  /**
   * @param leak  the detected leak
   * @param known the inventory's entry for the key, or null when the inventory has not seen it
   */
  LeakEnriched enrich(LeakDetected leak, InventoryEntry known);
}
