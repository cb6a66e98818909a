package io.leakguard.schemas.edge;

import java.util.regex.Pattern;

/**
 * The size and shape limits of every field LeakGuard reads from an edge topic. Anyone can write to the topics it
 * scans, so each field is checked where it is read: a field that names a credential must have a credential's shape
 * (else the record is refused and dead-lettered with the reason), and a free-text field is cut to its limit and
 * redacted before it reaches any record (the detector does that, see {@code Sightings}).
 *
 * <p>Refusal messages name the field and the rule, never the value: a value may be a secret.
 */
public final class EdgeLimits {

  /** An AccessKey ID: {@code LTAI} + 12 to 20 letters and digits, or {@code STS.} + 16 to 64. */
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("LTAI[A-Za-z0-9]{12,20}|STS\\.[A-Za-z0-9]{16,64}");
  /** The longest field value examined at all (a longer value is refused without being scanned). */
  public static final int ID_MAX_CHARS = 68;

  /** Free-text limits, in characters: longer values are cut. */
  public static final int SOURCE_MAX_CHARS = 128;
  public static final int LOCATION_MAX_CHARS = 1024;
  /** A raw content's {@code reference}, a manual report's {@code reason}, an alert's reference. */
  public static final int REFERENCE_MAX_CHARS = 1024;
  public static final int REPORTER_MAX_CHARS = 256;

  private EdgeLimits() {}

  /** Whether a value has the shape of an AccessKey ID. */
  public static boolean isAccessKeyId(String value) {
    return value != null && value.length() <= ID_MAX_CHARS && ACCESS_KEY_ID.matcher(value).matches();
  }

  /** The trimmed ID, or an {@link IllegalArgumentException} naming the field when it is no AccessKey ID. */
  public static String accessKeyId(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is missing");
    }
    String trimmed = value.length() > ID_MAX_CHARS + 16 ? value : value.trim();
    if (!isAccessKeyId(trimmed)) {
      throw new IllegalArgumentException("'" + field + "' is not an AccessKey ID (LTAI + 12 to 20 letters and "
          + "digits, or STS. + 16 to 64; " + value.length() + " characters given)");
    }
    return trimmed;
  }
}
