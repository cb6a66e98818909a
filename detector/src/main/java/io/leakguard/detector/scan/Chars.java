package io.leakguard.detector.scan;

/** Character classes of the scanner, by table lookup: every test here runs once per character of hot loops. */
final class Chars {

  private static final byte ALNUM = 1;
  private static final byte HEX = 2;
  private static final byte BASE64 = 4;
  private static final byte TOKEN = 8;
  private static final byte[] CLASSES = new byte[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      CLASSES[c] = ALNUM | HEX | BASE64 | TOKEN;
    }
    for (char c = 'A'; c <= 'Z'; c++) {
      CLASSES[c] = ALNUM | BASE64 | TOKEN;
      CLASSES[c + ('a' - 'A')] = ALNUM | BASE64 | TOKEN;
    }
    for (char c = 'A'; c <= 'F'; c++) {
      CLASSES[c] |= HEX;
      CLASSES[c + ('a' - 'A')] |= HEX;
    }
    // Both base64 alphabets (standard and URL-safe); '=' only as padding, handled by the decoder.
    CLASSES['+'] = BASE64 | TOKEN;
    CLASSES['/'] = BASE64 | TOKEN;
    CLASSES['-'] = BASE64;
    CLASSES['_'] = BASE64;
    CLASSES['='] = TOKEN;
  }

  private Chars() {}

  static boolean isAlnum(char c) {
    return c < 128 && (CLASSES[c] & ALNUM) != 0;
  }

  static boolean isHex(char c) {
    return c < 128 && (CLASSES[c] & HEX) != 0;
  }

  static boolean isBase64(char c) {
    return c < 128 && (CLASSES[c] & BASE64) != 0;
  }

  /** A character of an STS security token: standard base64 with padding. */
  static boolean isTokenChar(char c) {
    return c < 128 && (CLASSES[c] & TOKEN) != 0;
  }

  /**
   * The first {@code c} in {@code text[from, to)}, or -1: {@code String.indexOf} with an end, so that a search
   * inside a small region never runs on through the rest of a large text.
   */
  static int indexOf(String text, char c, int from, int to) {
    int end = Math.min(to, text.length());
    for (int i = Math.max(from, 0); i < end; i++) {
      if (text.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  static boolean isWhitespace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }

  static int hexValue(char c) {
    if (c <= '9') {
      return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
  }

  /** The value of two hex digits at {@code at}, or -1 when they are not both hex digits (or run past the end). */
  static int hexPair(CharSequence text, int at) {
    if (at + 1 >= text.length() || !isHex(text.charAt(at)) || !isHex(text.charAt(at + 1))) {
      return -1;
    }
    return hexValue(text.charAt(at)) << 4 | hexValue(text.charAt(at + 1));
  }

  /** The value of four hex digits at {@code at}, or -1. */
  static int hexQuad(CharSequence text, int at) {
    int high = hexPair(text, at);
    int low = high < 0 ? -1 : hexPair(text, at + 2);
    return low < 0 ? -1 : high << 8 | low;
  }
}
