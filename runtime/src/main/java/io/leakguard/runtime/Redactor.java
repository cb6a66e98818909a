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
