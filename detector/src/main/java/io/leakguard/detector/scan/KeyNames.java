package io.leakguard.detector.scan;

import java.util.Locale;

/**
 * What the key name of a value says it is, so that pairing follows structure rather than distance alone: the name
 * written before the value on its line ({@code AccessKeySecret: …}, {@code setAccessKeySecret("…")},
 * {@code "access_key_secret": "…"}), or, for a value element or a {@code "value"} field, the name given just before
 * it ({@code <name>fs.oss.accessKeySecret</name><value>…</value>} on one line or two, a Postman variable's
 * {@code {"key": "accessKeySecret", "value": "…"}}).
 */
final class KeyNames {

  /** A name that says secret, one that says something else (a password, a token), or none worth reading. */
  enum Kind { SECRET, OTHER, NONE }

  private static final int LOOKBACK = 48;
  private static final int NAME_MAX = 64;
  /** Names of other credentials: a 30-character value named so is not an AccessKey secret. */
  private static final String[] OTHER_NAMES = {"password", "passwd", "pwd", "token", "salt", "hash", "signature",
      "nonce", "cookie", "session", "apikey", "api_key", "api-key", "webhook", "license", "checksum", "digest",
      "uuid", "guid"};
  /** Names that only introduce the value, whose real name comes before. */
  private static final String[] VALUE_NAMES = {"value", "val", "v", "data"};

  private KeyNames() {}

  static Kind of(String text, int valueStart) {
    String name = nameBefore(text, valueStart);
    if (name == null) {
      return Kind.NONE;
    }
    for (String generic : VALUE_NAMES) {
      if (name.equalsIgnoreCase(generic)) {
        String given = givenName(text, valueStart);
        return given == null ? Kind.NONE : classify(given);
      }
    }
    return classify(name);
  }

  private static Kind classify(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.contains("secret") || lower.equals("sk") || lower.endsWith("_sk") || lower.endsWith(".sk")
        || lower.endsWith("-sk") || lower.endsWith("aksk")) {
      return Kind.SECRET;
    }
    for (String other : OTHER_NAMES) {
      if (lower.contains(other)) {
        return Kind.OTHER;
      }
    }
    return Kind.NONE;
  }

  /**
   * The identifier just before the value on its line, across what separates a name from its value: quotes, blanks,
   * {@code :}, {@code =}, {@code =>}, {@code >} of an element, {@code (} of a call, {@code ,}; null if none.
   */
  private static String nameBefore(String text, int valueStart) {
    int floor = Math.max(0, valueStart - LOOKBACK);
    int i = valueStart;
    while (i > floor && " \t\"'`:=>(,[{".indexOf(text.charAt(i - 1)) >= 0) {
      i--;
    }
    int end = i;
    while (i > floor && isNameChar(text.charAt(i - 1))) {
      i--;
    }
    return end > i ? text.substring(i, end) : null;
  }

  /**
   * The name given before a value element or field, on its line or the one before: the text of a {@code <name>} or
   * {@code <key>} element, or of a {@code "key"} or {@code "name"} field.
   */
  private static String givenName(String text, int valueStart) {
    int lineStart = text.lastIndexOf('\n', valueStart - 1) + 1;
    int from = lineStart > 0 ? text.lastIndexOf('\n', lineStart - 2) + 1 : lineStart;
    String before = text.substring(Math.max(from, valueStart - 4 * NAME_MAX), valueStart);
    for (String element : new String[] {"name>", "key>", "Name>", "Key>"}) {
      int open = before.lastIndexOf("<" + element);
      if (open >= 0) {
        int close = before.indexOf("</", open);
        return close > open ? before.substring(open + element.length() + 1, close).trim() : null;
      }
    }
    for (String field : new String[] {"\"key\"", "\"name\"", "'key'", "'name'"}) {
      int at = before.lastIndexOf(field);
      if (at >= 0) {
        int open = at + field.length();
        while (open < before.length() && " \t:=".indexOf(before.charAt(open)) >= 0) {
          open++;
        }
        if (open < before.length() && (before.charAt(open) == '"' || before.charAt(open) == '\'')) {
          int close = before.indexOf(before.charAt(open), open + 1);
          return close > open ? before.substring(open + 1, close) : null;
        }
      }
    }
    return null;
  }

  private static boolean isNameChar(char c) {
    return Chars.isAlnum(c) || c == '_' || c == '-' || c == '.';
  }
}
