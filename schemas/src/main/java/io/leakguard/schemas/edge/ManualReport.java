package io.leakguard.schemas.edge;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A person's report of a leaked key, written by {@code leakguard report} or any SOC tool:
 * {@code {"accessKeyId":"LTAI...","reason":"pasted in a ticket","reporter":"alice@corp"}}. Never a secret.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ManualReport(String accessKeyId, String reason, String reporter) {

  public ManualReport {
    if (accessKeyId == null || accessKeyId.isBlank()) {
      throw new IllegalArgumentException("a manual report needs an 'accessKeyId'");
    }
  }
}
