package io.leakguard.detector;

import io.leakguard.detector.scan.ContentScan;
import io.leakguard.detector.scan.Sighting;
import io.leakguard.schemas.KeyForms;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds leaked Alibaba Cloud credentials in raw content: permanent AccessKey IDs ({@code LTAI…}) and STS ones
 * ({@code STS.…}) on word boundaries, each paired with a secret on the same line or within
 * {@value ContentScan#PAIRING_LINES} lines (a key name such as {@code AccessKeySecret} decides between candidates), an
 * STS ID with its {@code CAIS…} security token; also inside URL-encoded, JSON-escaped and base64 values, decoded
 * before matching. Placeholders and documentation examples are not keys.
 *
 * <p>Linear time and fast: a literal prefilter ({@code String.indexOf}) finds the few places worth a look, and no
 * regular expression runs at all. See {@link ContentScan} for how. Thread-safe and reusable.
 */
public final class Scanner {

  private final ContentScan engine = new ContentScan();

  /** Every credential in {@code content}, one finding per AccessKey ID (a paired sighting preferred), in order. */
  public List<Finding> scan(String content) {
    return findings(engine.scan(content));
  }

  /**
   * Every occurrence of a credential in {@code content}, in order: an ID mentioned in several places is reported at
   * each, every one with the secret found for it anywhere in the content. What {@code leakguard scan} reports.
   */
  public List<Finding> scanEveryOccurrence(String content) {
    return findings(engine.scanEveryOccurrence(content));
  }

  private static List<Finding> findings(List<Sighting> sightings) {
    List<Finding> findings = new ArrayList<>(sightings.size());
    for (Sighting s : sightings) {
      findings.add(new Finding(s.accessKeyId(), s.kind(), s.line(), s.column(),
          s.secret() == null ? null : KeyForms.fingerprint(s.secret().reveal()), s.secret(), s.securityToken()));
    }
    return findings;
  }

  /** As {@link #scan(String)}, for any character sequence (a {@code StringBuilder}, a decoded buffer). */
  public List<Finding> scan(CharSequence content) {
    return scan(content.toString());
  }
}
