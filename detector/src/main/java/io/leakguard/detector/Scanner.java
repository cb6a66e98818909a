package io.leakguard.detector;

import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds permanent AccessKey IDs ({@code LTAI} then alphanumerics, on word boundaries) and pairs each with the
 * nearest 30-character alphanumeric secret on the same line or within {@link #PAIRING_LINES} lines. A literal
 * {@code LTAI} search runs before any regular expression, so content without one costs a single pass.
 */
public final class Scanner {

  static final int PAIRING_LINES = 3;

  private static final Pattern KEY_ID = Pattern.compile("(?<![A-Za-z0-9])LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])");
  private static final Pattern SECRET = Pattern.compile("(?<![A-Za-z0-9])[A-Za-z0-9]{30}(?![A-Za-z0-9])");

  public List<Finding> scan(String content) {
    if (content.indexOf("LTAI") < 0) {
      return List.of();
    }
    String[] lines = content.split("\r?\n", -1);
    Map<String, Finding> found = new LinkedHashMap<>();
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].indexOf("LTAI") < 0) {
        continue;
      }
      Matcher id = KEY_ID.matcher(lines[i]);
      while (id.find()) {
        String secret = nearestSecret(lines, i, id.start(), id.group());
        Finding finding = new Finding(id.group(), CredentialKind.RAM_USER_KEY, i + 1, id.start() + 1,
            secret == null ? null : KeyForms.fingerprint(secret));
        // One finding per key: a paired sighting beats an unpaired one.
        found.merge(finding.accessKeyId(), finding, (old, neu) -> old.secretFound() ? old : neu);
      }
    }
    return new ArrayList<>(found.values());
  }

  private static String nearestSecret(String[] lines, int idLine, int idColumn, String accessKeyId) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (int i = Math.max(0, idLine - PAIRING_LINES); i <= Math.min(lines.length - 1, idLine + PAIRING_LINES); i++) {
      Matcher secret = SECRET.matcher(lines[i]);
      while (secret.find()) {
        if (secret.group().equals(accessKeyId) || secret.group().startsWith("LTAI")) {
          continue;
        }
        // Same line first, then by line distance, then by column distance.
        int distance = Math.abs(i - idLine) * 10_000 + Math.abs(secret.start() - idColumn);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = secret.group();
        }
      }
    }
    return best;
  }
}
