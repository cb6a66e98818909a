package io.leakguard.detector.scan;

import java.util.function.IntUnaryOperator;

/**
 * Decodes one region of a text in two passes: escapes first (URL {@code %XX}, JSON {@code \}-escapes, so that a
 * URL-encoded base64 value is whole again), then base64 values of 16 characters or more that decode to printable
 * text. What does not decode is copied as is, so lines around the encoded value stay next to it: a Kubernetes
 * Secret's {@code accessKeyId} and {@code accessKeySecret}, each base64, decode into a pair on adjacent lines.
 */
final class Decoder {

  static final int MIN_BASE64 = 16;
  /** The shortest line of wrapped base64 that the next line may continue (PEM wraps at 64, MIME at 76). */
  static final int MIN_WRAPPED_LINE = 40;
  private static final String JSON_ESCAPES = "\\/\"nrtbf";
  private static final String JSON_VALUES = "\\/\"\n\r\t\b\f";

  /** A decoded region and the way back from its positions to positions of the text it came from. */
  record Decoded(String text, IntUnaryOperator toSource) {}

  private Decoder() {}

  /** The region {@code [from, to)} of {@code text} decoded, or null when nothing in it decodes. */
  static Decoded decode(String text, int from, int to) {
    return decode(text, from, to, false);
  }

  /**
   * The region decoded as quoted-printable as well (RFC 2045, section 6.7): its soft line breaks removed and each
   * {@code =XX} made its character, so that a key a mail encoder broke at column 76 is whole again; or null. Only for a
   * region with a soft break, and besides {@link #decode}: a base64 value's padding ends a line the same way.
   */
  static Decoded decodeQuotedPrintable(String text, int from, int to) {
    return decode(text, from, to, true);
  }

  private static Decoded decode(String text, int from, int to, boolean quotedPrintable) {
    OffsetMap escapeMap = new OffsetMap();
    String unescaped = unescape(text, from, to, quotedPrintable, escapeMap);
    boolean unescapedChanged = unescaped != null;
    String stage = unescapedChanged ? unescaped : text.substring(from, to);
    OffsetMap base64Map = new OffsetMap();
    String decoded = decodeBase64(stage, base64Map);
    if (!unescapedChanged && decoded == null) {
      return null;
    }
    String result = decoded != null ? decoded : stage;
    IntUnaryOperator toStage = decoded != null ? base64Map::toSource : IntUnaryOperator.identity();
    IntUnaryOperator toText = unescapedChanged ? escapeMap::toSource : position -> from + position;
    return new Decoded(result, position -> toText.applyAsInt(toStage.applyAsInt(position)));
  }

  /**
   * {@code text[from, to)} with its escapes decoded (positions mapped in {@code map}), quoted-printable ones too if
   * asked, or null if it has none.
   */
  private static String unescape(String text, int from, int to, boolean quotedPrintable, OffsetMap map) {
    StringBuilder out = null;
    int copyFrom = from;
    int nextPercent = Chars.indexOf(text, '%', from, to);
    int nextBackslash = Chars.indexOf(text, '\\', from, to);
    int nextEquals = quotedPrintable ? Chars.indexOf(text, '=', from, to) : -1;
    while (true) {
      // The next escape candidate, from cached indexOf results (re-searching each time could be quadratic).
      int i = earliest(earliest(nextPercent, nextBackslash), nextEquals);
      if (i < 0 || i >= to) {
        break;
      }
      int length = 0;
      int value = -1; // -1: the escape stands for nothing (a soft line break)
      if (text.charAt(i) == '%') {
        int hex = Chars.hexPair(text, i + 1);
        if (hex >= 0 && i + 3 <= to) {
          length = 3;
          value = hex;
        }
        nextPercent = Chars.indexOf(text, '%', i + Math.max(1, length), to);
      } else if (text.charAt(i) == '=') {
        length = softBreakLength(text, i, to);
        if (length == 0 && i + 3 <= to && isUpperHex(text.charAt(i + 1)) && isUpperHex(text.charAt(i + 2))) {
          length = 3;
          value = Chars.hexPair(text, i + 1);
        }
        nextEquals = Chars.indexOf(text, '=', i + Math.max(1, length), to);
      } else {
        if (i + 1 < to) {
          char escape = text.charAt(i + 1);
          int quad = escape == 'u' ? Chars.hexQuad(text, i + 2) : -1;
          if (quad >= 0 && i + 6 <= to) {
            length = 6;
            value = quad;
          } else if (JSON_ESCAPES.indexOf(escape) >= 0) {
            length = 2;
            value = JSON_VALUES.charAt(JSON_ESCAPES.indexOf(escape));
          }
        }
        nextBackslash = Chars.indexOf(text, '\\', i + Math.max(1, length), to);
      }
      if (length == 0) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(to - from);
      }
      if (copyFrom < i) {
        map.copied(out.length(), copyFrom);
        out.append(text, copyFrom, i);
      }
      map.decoded(out.length(), i, i + length);
      if (value >= 0) {
        out.append((char) value);
      }
      copyFrom = i + length;
      if (nextPercent >= 0 && nextPercent < copyFrom) {
        nextPercent = Chars.indexOf(text, '%', copyFrom, to);
      }
      if (nextBackslash >= 0 && nextBackslash < copyFrom) {
        nextBackslash = Chars.indexOf(text, '\\', copyFrom, to);
      }
      if (nextEquals >= 0 && nextEquals < copyFrom) {
        nextEquals = Chars.indexOf(text, '=', copyFrom, to);
      }
    }
    if (out == null) {
      return null;
    }
    if (copyFrom < to) {
      map.copied(out.length(), copyFrom);
      out.append(text, copyFrom, to);
    }
    return out.toString();
  }

  private static int earliest(int a, int b) {
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  /** The length of a soft line break ({@code =} and a line break) at {@code at}, or 0. */
  static int softBreakLength(CharSequence text, int at, int to) {
    if (at + 1 < to && text.charAt(at + 1) == '\n') {
      return 2;
    }
    return at + 2 < to && text.charAt(at + 1) == '\r' && text.charAt(at + 2) == '\n' ? 3 : 0;
  }

  private static boolean isUpperHex(char c) {
    return c >= '0' && c <= '9' || c >= 'A' && c <= 'F';
  }

  /**
   * Where base64 continues after a line break at {@code at}: the next line, indentation aside, when it holds nothing
   * but base64 (and padding); -1 otherwise. A line of other text after a base64 value is not part of it.
   */
  static int continuationLine(CharSequence text, int at) {
    int n = text.length();
    int i = at;
    if (i < n && text.charAt(i) == '\r') {
      i++;
    }
    if (i >= n || text.charAt(i) != '\n') {
      return -1;
    }
    i++;
    while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    int start = i;
    while (i < n && Chars.isBase64(text.charAt(i))) {
      i++;
    }
    while (i < n && text.charAt(i) == '=') {
      i++;
    }
    if (i == start || (i < n && text.charAt(i) != '\n' && text.charAt(i) != '\r')) {
      return -1;
    }
    return start;
  }

  /** {@code text} with its printable base64 values decoded (positions mapped in {@code map}), or null if none. */
  private static String decodeBase64(String text, OffsetMap map) {
    StringBuilder out = null;
    int copyFrom = 0;
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!Chars.isBase64(text.charAt(i))) {
        i++;
        continue;
      }
      int runStart = i;
      while (i < n && Chars.isBase64(text.charAt(i))) {
        i++;
      }
      int runEnd = i;
      // Base64 wrapped at a fixed width (76 columns for MIME, 64 for PEM): the following full lines continue it.
      StringBuilder wrapped = null;
      int lineStart = runStart;
      int next;
      while (runEnd - lineStart >= MIN_WRAPPED_LINE && (runEnd - lineStart) % 4 == 0
          && (next = continuationLine(text, runEnd)) >= 0) {
        if (wrapped == null) {
          wrapped = new StringBuilder(text.substring(runStart, runEnd));
        }
        lineStart = next;
        i = next;
        while (i < n && Chars.isBase64(text.charAt(i))) {
          i++;
        }
        wrapped.append(text, next, i);
        runEnd = i;
      }
      while (i < n && i - runEnd < 2 && text.charAt(i) == '=') {
        i++;
      }
      CharSequence run = wrapped != null ? wrapped : text;
      int decodeFrom = wrapped != null ? 0 : runStart;
      int decodeTo = wrapped != null ? wrapped.length() : runEnd;
      String decoded = decodeTo - decodeFrom >= MIN_BASE64
          ? Base64Text.decodePrintable(run, decodeFrom, decodeTo) : null;
      if (decoded == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      if (copyFrom < runStart) {
        map.copied(out.length(), copyFrom);
        out.append(text, copyFrom, runStart);
      }
      map.decoded(out.length(), runStart, i);
      out.append(decoded);
      copyFrom = i;
    }
    if (out == null) {
      return null;
    }
    if (copyFrom < n) {
      map.copied(out.length(), copyFrom);
      out.append(text, copyFrom, n);
    }
    return out.toString();
  }
}
