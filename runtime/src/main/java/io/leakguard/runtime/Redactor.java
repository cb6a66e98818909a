package io.leakguard.runtime;

import io.leakguard.schemas.KeyForms;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes anything credential-shaped from text that is about to be logged or written to a dead letter: AccessKey
 * IDs are masked, and long runs of token characters (secrets are 30 characters, STS tokens far longer) are
 * replaced unless they are plainly words.
 * Deliberately greedy: a redacted hash in a log costs nothing, a leaked secret costs everything.
 */
public final class Redactor {

  private static final Pattern KEY_ID = Pattern.compile("\\b(?:LTAI|STS\\.)[A-Za-z0-9]{8,64}\\b");
  private static final Pattern LONG_RUN = Pattern.compile("[A-Za-z0-9+/=_\\-]{20,}");
  /** Long runs that are plainly words (Java class names, camelCase identifiers) are kept for readability. */
  private static final Pattern WORDS = Pattern.compile("[A-Za-z][a-z]*(?:[A-Z][a-z]+)*");

  private Redactor() {}

  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    Matcher ids = KEY_ID.matcher(text);
    StringBuilder masked = new StringBuilder(text.length());
    while (ids.find()) {
      ids.appendReplacement(masked, Matcher.quoteReplacement(KeyForms.mask(ids.group())));
    }
    ids.appendTail(masked);
    Matcher runs = LONG_RUN.matcher(masked);
    StringBuilder out = new StringBuilder(masked.length());
    while (runs.find()) {
      String run = runs.group();
      // Masked IDs are already safe; anything else that long is treated as a secret.
      boolean safe = run.contains("****") || WORDS.matcher(run).matches();
      runs.appendReplacement(out, safe ? Matcher.quoteReplacement(run) : "[REDACTED]");
    }
    runs.appendTail(out);
    return out.toString();
  }

  /**
   * A free-text value taken from an input (a location, a URL, a reason), made safe to copy into records, stores,
   * logs and messages: escapes are decoded first ({@code %XX}, &#92;uXXXX, {@code &#NN;}, repeatedly, so an encoded
   * secret is seen as itself), then everything credential-shaped is redacted, then the value is cut to
   * {@code maxChars}. Redaction runs before the cut, on a little more than is kept, so a secret that straddles the
   * cut is redacted whole.
   */
  public static String field(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    String window = text.length() > maxChars + FIELD_CONTEXT ? text.substring(0, maxChars + FIELD_CONTEXT) : text;
    for (int round = 0; round < 3; round++) {
      String decoded = unescape(window);
      if (decoded.equals(window)) {
        break;
      }
      window = decoded;
    }
    StringBuilder printable = new StringBuilder(window.length());
    window.codePoints().forEach(cp -> printable.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
    String redacted = redact(printable.toString());
    return redacted.length() > maxChars ? redacted.substring(0, Math.max(0, maxChars - 1)) + "…" : redacted;
  }

  /** Characters past a field's limit that redaction still sees: more than the longest secret. */
  private static final int FIELD_CONTEXT = 128;

  /** One round of decoding of the escapes that encoders glue into URLs, JSON and HTML. */
  static String unescape(String text) {
    if (text.indexOf('%') < 0 && text.indexOf('\\') < 0 && text.indexOf('&') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '%' && i + 2 < text.length() && hex(text, i + 1, 2) >= 0) {
        out.append((char) hex(text, i + 1, 2));
        i += 3;
      } else if (c == '\\' && i + 5 < text.length() && text.charAt(i + 1) == 'u' && hex(text, i + 2, 4) >= 0) {
        out.append((char) hex(text, i + 2, 4));
        i += 6;
      } else if (c == '&' && i + 3 < text.length() && text.charAt(i + 1) == '#') {
        int end = text.indexOf(';', i + 2);
        int value = end < 0 || end - i > 10 ? -1 : entity(text, i + 2, end);
        if (value >= 0) {
          out.append((char) value);
          i = end + 1;
        } else {
          out.append(c);
          i++;
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static int hex(String text, int from, int digits) {
    int value = 0;
    for (int i = from; i < from + digits; i++) {
      int d = Character.digit(text.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      value = value * 16 + d;
    }
    return value;
  }

  private static int entity(String text, int from, int end) {
    boolean hexForm = from < end && (text.charAt(from) == 'x' || text.charAt(from) == 'X');
    int start = hexForm ? from + 1 : from;
    if (start >= end) {
      return -1;
    }
    int value = 0;
    for (int i = start; i < end; i++) {
      int d = Character.digit(text.charAt(i), hexForm ? 16 : 10);
      if (d < 0 || value > 0xFFFF) {
        return -1;
      }
      value = value * (hexForm ? 16 : 10) + d;
    }
    return value <= 0xFFFF ? value : -1;
  }

  /** The exception's class and message, and those of its causes, redacted. */
  public static String describe(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = error; t != null && text.length() < 2000; t = t.getCause()) {
      if (!text.isEmpty()) {
        text.append(" <- ");
      }
      text.append(t.getClass().getName());
      if (t.getMessage() != null) {
        text.append(": ").append(t.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return redact(text.toString());
  }
}
