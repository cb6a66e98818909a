package io.leakguard.schemas.edge;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A person's report of a leaked key, written by {@code leakguard report} or any SOC tool:
 * {@code {"accessKeyId":"LTAI...","reason":"pasted in a ticket","reporter":"alice@corp"}}. Never a secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManualReport(String accessKeyId, String reason, String reporter) {

  /** The ID must have an AccessKey ID's shape ({@link EdgeLimits}); reason and reporter are free text. */
  public ManualReport {
    accessKeyId = EdgeLimits.accessKeyId("accessKeyId", accessKeyId);
  }
}
