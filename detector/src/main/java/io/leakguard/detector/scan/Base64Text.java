package io.leakguard.detector.scan;

import java.nio.charset.StandardCharsets;

/** Decodes base64 (either alphabet, padding optional) when, and only when, it decodes to printable ASCII text. */
final class Base64Text {

  private Base64Text() {}

  /**
   * The text that {@code source[from, to)} encodes, or null when it is not base64 of printable text. Stops at the
   * first byte that is not printable, so random alphanumerics (a hash, a secret, a 1 MB run) cost a few characters.
   */
  static String decodePrintable(CharSequence source, int from, int to) {
    int length = to - from;
    if (length % 4 == 1) {
      return null;
    }
    boolean standard = false;
    boolean urlSafe = false;
    byte[] out = new byte[length * 3 / 4];
    int count = 0;
    int buffer = 0;
    int bits = 0;
    for (int i = from; i < to; i++) {
      char c = source.charAt(i);
      int value;
      if (c >= 'A' && c <= 'Z') {
        value = c - 'A';
      } else if (c >= 'a' && c <= 'z') {
        value = c - 'a' + 26;
      } else if (c >= '0' && c <= '9') {
        value = c - '0' + 52;
      } else if (c == '+' || c == '/') {
        standard = true;
        value = c == '+' ? 62 : 63;
      } else if (c == '-' || c == '_') {
        urlSafe = true;
        value = c == '-' ? 62 : 63;
      } else {
        return null;
      }
      if (standard && urlSafe) {
        return null;
      }
      buffer = (buffer << 6 | value) & 0xFFFFFF;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        int b = buffer >> bits & 0xFF;
        if (!isPrintable(b)) {
          return null;
        }
        out[count++] = (byte) b;
      }
    }
    return new String(out, 0, count, StandardCharsets.ISO_8859_1);
  }

  private static boolean isPrintable(int b) {
    return (b >= 0x20 && b < 0x7F) || b == '\n' || b == '\r' || b == '\t';
  }
}
