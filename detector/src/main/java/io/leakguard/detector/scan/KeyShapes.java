package io.leakguard.detector.scan;

import io.leakguard.schemas.KeyPlausibility;

/**
 * The shapes of Alibaba Cloud credentials, checked by hand at a known position: no regular expression, so every check
 * reads a bounded number of characters, whatever the input.
 *
 * <ul>
 *   <li>permanent AccessKey ID: {@code LTAI} + 12 to 20 alphanumerics (24 in all today, 16 to 23 for older keys);</li>
 *   <li>STS AccessKey ID: {@code STS.} + 16 to 64 alphanumerics;</li>
 *   <li>secret: 30 alphanumerics for a permanent key, 30 to 64 for an STS one;</li>
 *   <li>security token: {@code CAIS} + base64, hundreds of characters.</li>
 * </ul>
 *
 * <p>Every shape must stand on word boundaries: a key buried in a longer alphanumeric token is not a key. An escape
 * just before it ({@code %22}, &#92;u0022, {@code \n}) counts as a boundary, because JSON and URL encoders glue
 * escapes to the value.
 */
final class KeyShapes {

  static final String LTAI = "LTAI";
  static final String STS = "STS.";
  static final String TOKEN_PREFIX = "CAIS";
  static final int LTAI_MIN_BODY = 12;
  static final int LTAI_MAX_BODY = 20;
  static final int STS_MIN_BODY = 16;
  static final int STS_MAX_BODY = 64;
  static final int SECRET_LENGTH = 30;
  static final int STS_SECRET_MAX = 64;
  static final int TOKEN_MIN = 80;
  static final int TOKEN_MAX = 8192;

  private KeyShapes() {}

  /** End of the permanent AccessKey ID starting at {@code at} (where {@code LTAI} is), or -1 if there is none. */
  static int accessKeyIdEnd(String text, int at) {
    return idEnd(text, at, LTAI_MIN_BODY, LTAI_MAX_BODY);
  }

  /** End of the STS AccessKey ID starting at {@code at} (where {@code STS.} is), or -1 if there is none. */
  static int stsIdEnd(String text, int at) {
    return idEnd(text, at, STS_MIN_BODY, STS_MAX_BODY);
  }

  private static int idEnd(String text, int at, int minBody, int maxBody) {
    if (!startsOnBoundary(text, at)) {
      return -1;
    }
    int bodyStart = at + 4;
    int limit = Math.min(text.length(), bodyStart + maxBody + 1);
    int end = bodyStart;
    while (end < limit && Chars.isAlnum(text.charAt(end))) {
      end++;
    }
    int body = end - bodyStart;
    if (body < minBody || body > maxBody || isMaskedAfter(text, end)
        || (body < LTAI_MAX_BODY && isEllipsisAfter(text, end))) {
      return -1;
    }
    return KeyPlausibility.isRandomLooking(text, bodyStart, end) ? end : -1;
  }

  private static final String[] MASK_WORDS = {"redacted", "masked", "truncated", "hidden", "omitted"};

  /**
   * Whether an ellipsis ({@code ..}, {@code …}) is glued to the end of a value. After an ID shorter than today's 24
   * characters it cuts the ID short ({@code LTAI5t} and a few characters, then {@code …}); after a whole one it only
   * ends a sentence.
   */
  private static boolean isEllipsisAfter(CharSequence text, int end) {
    return end < text.length() && (text.charAt(end) == '\u2026'
        || (text.charAt(end) == '.' && end + 1 < text.length() && text.charAt(end + 1) == '.'));
  }

  /**
   * Whether a mask is glued to the end of a value: {@code LTAI5t} and some characters, then {@code ****}, as Alibaba
   * Cloud's documentation and consoles show a key, {@code ####}, or {@code <redacted>}/{@code [masked]}. The
   * characters before it are only part of a key, and not a leak of it.
   */
  static boolean isMaskedAfter(CharSequence text, int end) {
    if (end >= text.length()) {
      return false;
    }
    char c = text.charAt(end);
    if (c == '*' || c == '#') {
      return true;
    }
    if ("<[({".indexOf(c) < 0) {
      return false;
    }
    String after = text.subSequence(end + 1, Math.min(text.length(), end + 1 + 10)).toString();
    for (String word : MASK_WORDS) {
      if (after.regionMatches(true, 0, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }

  /** Whether a value starting at {@code at} is not the tail of a longer alphanumeric token. */
  static boolean startsOnBoundary(CharSequence text, int at) {
    return at == 0 || !Chars.isAlnum(text.charAt(at - 1)) || escapeEndsAt(text, at);
  }

  /**
   * Whether an escape ({@code %XX}, &#92;uXXXX, &#92;n…, quoted-printable {@code =3D}) ends right before {@code at}.
   */
  static boolean escapeEndsAt(CharSequence text, int at) {
    return escapeStart(text, at) < at;
  }

  /** Where an escape ending right before {@code at} starts, or {@code at} if none does. */
  private static int escapeStart(CharSequence text, int at) {
    int coded = codedCharacterStart(text, at);
    if (coded < at) {
      return coded;
    }
    return at >= 2 && text.charAt(at - 2) == '\\' && "nrtbf".indexOf(text.charAt(at - 1)) >= 0 ? at - 2 : at;
  }

  /**
   * Where a character given by its code ({@code %XX}, {@code =XX} of a separator, &#92;uXXXX, an HTML entity of a
   * quote) ends right before {@code at} starts, or {@code at}: an escaped quote, {@code =} or {@code :}, as an encoder writes what separates a
   * name from its value. A line break escaped ({@code \n}) is not one.
   */
  static int codedCharacterStart(CharSequence text, int at) {
    if (at >= 3 && text.charAt(at - 3) == '%' && Chars.hexPair(text, at - 2) >= 0) {
      return at - 3;
    }
    if (at >= 3 && isQuotedPrintableSeparator(text, at - 3)) {
      return at - 3;
    }
    if (at >= 6 && text.charAt(at - 6) == '\\' && text.charAt(at - 5) == 'u' && Chars.hexQuad(text, at - 4) >= 0) {
      return at - 6;
    }
    if (at >= 5 && text.charAt(at - 1) == ';') {
      for (String entity : QUOTE_ENTITIES) {
        if (endsWith(text, at, entity)) {
          return at - entity.length();
        }
      }
    }
    return at;
  }

  /** A quote as HTML and XML write it inside an attribute or text: {@code &quot;}, {@code &apos;}, {@code &#34;}. */
  private static final String[] QUOTE_ENTITIES = {"&quot;", "&apos;", "&#34;", "&#39;", "&#x22;", "&#x27;"};

  private static boolean endsWith(CharSequence text, int at, String suffix) {
    int start = at - suffix.length();
    if (start < 0) {
      return false;
    }
    for (int k = 0; k < suffix.length(); k++) {
      if (text.charAt(start + k) != suffix.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A quoted-printable escape of what stands between a name and its value: {@code =3D} ({@code =}), {@code =22} and
   * {@code =27} (quotes), {@code =3A} ({@code :}). Mail bodies and MIME parts encode so (RFC 2045, section 6.7), and
   * {@code access_key_id=3DLTAI…} is a key after its name.
   */
  private static boolean isQuotedPrintableSeparator(CharSequence text, int at) {
    if (at + 2 >= text.length() || text.charAt(at) != '=') {
      return false;
    }
    char high = text.charAt(at + 1);
    char low = text.charAt(at + 2);
    return high == '3' && (low == 'D' || low == 'A') || high == '2' && (low == '2' || low == '7');
  }

  /**
   * Where the value of an alphanumeric run from {@code runStart} to {@code runEnd} begins once an escape glued to its
   * front is skipped: {@code %3D} + secret is the run {@code 3D…}, whose value starts two characters later. A
   * quoted-printable {@code =3D} is skipped only when the rest is a secret's exact length: a secret after a plain
   * {@code =} may itself begin with {@code 3D}.
   */
  static int valueStart(CharSequence text, int runStart, int runEnd) {
    if (runStart == 0) {
      return runStart;
    }
    char before = text.charAt(runStart - 1);
    if (before == '%' && Chars.hexPair(text, runStart) >= 0) {
      return runStart + 2;
    }
    if (runEnd - runStart == SECRET_LENGTH + 2 && isQuotedPrintableSeparator(text, runStart - 1)) {
      return runStart + 2;
    }
    if (before == '\\') {
      if (text.charAt(runStart) == 'u' && Chars.hexQuad(text, runStart + 1) >= 0) {
        return runStart + 5;
      }
      if ("nrtbf".indexOf(text.charAt(runStart)) >= 0) {
        return runStart + 1;
      }
    }
    return runStart;
  }
}
