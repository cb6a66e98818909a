package io.leakguard.detector.scan;

/**
 * The literal prefilter: one {@code String.indexOf(char)} pass per anchor character (the JDK vectorizes it, gigabytes
 * per second), then a few character comparisons at each hit. It reports where an AccessKey ID prefix is and where an
 * encoded region might hide one; everything else in the text is never looked at again.
 *
 * <p>Anchors, chosen rare in log-like text and each covering several literals:
 * <ul>
 *   <li>{@code 'T'}: {@code LTAI}, {@code STS.}, and the base64 forms {@code TFRBS} ({@code LTAI} at offset 0 of a
 *       3-byte group), {@code U1RTL} and {@code TVFMu} ({@code STS.} at offsets 0 and 2);</li>
 *   <li>{@code 'U'}: {@code xUQU} and {@code NUUy} ({@code LTAI} and {@code STS.} at offset 1);</li>
 *   <li>{@code 'V'}: {@code MVEFJ} ({@code LTAI} at offset 2);</li>
 *   <li>{@code '%'}: a percent escape of a character that is never escaped in normal URL encoding (a letter, a digit,
 *       {@code .}, {@code %} itself, {@code \}): a fully encoded or double-encoded value;</li>
 *   <li>{@code '='}: the padding of a base64 value of {@value #PADDED_BASE64_MIN} characters or more, which may
 *       encode anything, another encoding included (a base64 value of a base64 value, of an escaped JSON string);</li>
 *   <li>{@code '\'}: a JSON {@code \}{@code uXXXX} escape of such a character (an encoder that escapes everything).</li>
 * </ul>
 * Escapes glued to a plain value ({@code %22LTAI…}, &#92;u0022LTAI…) need no decoding: {@link KeyShapes} counts
 * them as boundaries. Whatever alignment a base64 encoder starts at, the encoding of {@code LTAI} or {@code STS.} contains one of the
 * five base64 literals, so base64 anywhere is found without decoding anything that does not hold a key.
 */
final class Prefilter {

  /** Positions found in one text, each list ascending except {@code triggers} (sort before use). */
  record Hits(IntList accessKeyIds, IntList stsIds, IntList legacyIds, IntList triggers, IntList fragments,
      IntList softBreaks) {
    boolean isEmpty() {
      return accessKeyIds.isEmpty() && stsIds.isEmpty() && legacyIds.isEmpty() && triggers.isEmpty()
          && fragments.isEmpty() && softBreaks.isEmpty();
    }
  }

  static final int PADDED_BASE64_MIN = 24;

  private Prefilter() {}

  static Hits find(String text) {
    Hits hits = new Hits(new IntList(), new IntList(), new IntList(), new IntList(), new IntList(), new IntList());
    anchorT(text, hits);
    anchorU(text, hits.triggers());
    anchorV(text, hits.triggers());
    percentEscapes(text, hits.triggers());
    unicodeEscapes(text, hits.triggers());
    equalsSigns(text, hits);
    legacyIds(text, hits.legacyIds());
    return hits;
  }

  private static void anchorT(String text, Hits hits) {
    int last = text.length() - 3;
    for (int i = text.indexOf('T'); i >= 0 && i <= last; i = text.indexOf('T', i + 1)) {
      // The character after the anchor tells the candidate literals apart; a digit (ISO timestamps) ends it at once.
      if (i >= 2 && (text.charAt(i - 1) == 'L' || text.charAt(i - 1) == 'S') && isFragmentStart(text, i - 2)) {
        // A string literal opening with "LT" or "ST", or a short value assigned (A=LTAI5tAb): maybe the first
        // fragment of an ID built by concatenation.
        hits.fragments().add(i - 2);
      }
      switch (text.charAt(i + 1)) {
        case 'A' -> {
          if (i > 0 && text.charAt(i - 1) == 'L' && text.charAt(i + 2) == 'I') {
            hits.accessKeyIds().add(i - 1);
          }
        }
        case 'S' -> {
          if (i > 0 && text.charAt(i - 1) == 'S' && text.charAt(i + 2) == '.') {
            hits.stsIds().add(i - 1);
          }
        }
        case 'F' -> {
          if (text.startsWith("RBS", i + 2)) {
            hits.triggers().add(i);
          }
        }
        case 'V' -> {
          if (text.startsWith("FMu", i + 2)) {
            hits.triggers().add(i);
          }
        }
        case 'L' -> {
          if (i >= 3 && text.startsWith("U1R", i - 3)) {
            hits.triggers().add(i - 3);
          }
        }
        default -> { }
      }
    }
  }

  private static boolean isFragmentStart(String text, int at) {
    char c = text.charAt(at);
    if (isQuote(c)) {
      return true;
    }
    if (c != '=') {
      return false;
    }
    // An assignment: only a value too short to be an ID by itself (its run of alphanumerics under 16).
    int end = at + 1;
    while (end < text.length() && end - at <= 16 && Chars.isAlnum(text.charAt(end))) {
      end++;
    }
    return end - at - 1 < 16;
  }

  static boolean isQuote(char c) {
    return c == '"' || c == '\'' || c == '`';
  }

  /**
   * The values of {@code AccessKeyId} keys (any case and separator: {@code accessKeyId}, {@code access_key_id},
   * {@code ACCESS-KEY-ID}, {@code AccessKey ID}) that are 16 alphanumerics without a prefix: AccessKey IDs created
   * before the {@code LTAI} prefix, which RAM's own documentation still shows ({@code alibaba-cloud-api.md}, "very
   * old keys may lack the prefix and be 16 chars"). Without the key name such a value is any 16-character token, so
   * the name is required. Positions are those of the values, ascending.
   */
  private static void legacyIds(String text, IntList found) {
    // One pass for the lower-case stem (accessKeyId, AccessKeyId, access_key_id): each literal pass costs the whole
    // scan about 15 % (ScanBenchmark). Upper case (ACCESS_KEY_ID=, the environment's spelling) is found from the
    // '=' pass instead, which visits every '=' anyway.
    int tableEnd = 0;
    for (int i = text.indexOf(LEGACY_STEM); i >= 0; i = text.indexOf(LEGACY_STEM, i + LEGACY_STEM.length())) {
      if (i > 0 && (text.charAt(i - 1) | 0x20) == 'a') {
        int nameEnd = legacyNameEnd(text, i + LEGACY_STEM.length());
        int value = nameEnd < 0 ? -1 : valueAfterName(text, nameEnd);
        if (value >= 0) {
          found.add(value);
        } else if (nameEnd >= 0 && i >= tableEnd) {
          // A table's rows are read once, even if they repeat its header; a line too long for one, once.
          tableEnd = Math.max(tableEnd, columnValues(text, i, nameEnd, found));
        }
      }
    }
    found.sort();
  }

  private static final String LEGACY_STEM = "ccess";
  /** The longest upper-case name looked for before an {@code '='}. */
  private static final String LEGACY_UPPER = "ACCESS_KEY_ID";
  static final int LEGACY_ID_LENGTH = 16;
  private static final int LEGACY_GAP = 8;

  /**
   * Where the name of an AccessKey ID ends, given where "ccess" ends: {@code AccessKeyId}, {@code access_key_id},
   * {@code AccessKey ID}; {@code accessId} and {@code access_id} (MaxCompute's and DataX's spelling); or
   * {@code AccessKey} and {@code access_key} alone, which name the ID in S3-style tools (a 16-character value cannot
   * be a secret, which is 30); -1 when none of them.
   */
  private static int legacyNameEnd(String text, int at) {
    if (saysSecret(text, at - LEGACY_STEM.length() - 1)) {
      return -1; // secret_access_key, SECRET_ACCESS_KEY: the secret's name, not the ID's
    }
    int i = skipSeparator(text, at);
    if (text.regionMatches(true, i, "id", 0, 2)) {
      return isNameEnd(text, i + 2) ? i + 2 : -1;
    }
    if (!text.regionMatches(true, i, "key", 0, 3)) {
      return -1;
    }
    int afterKey = i + 3;
    i = skipSeparator(text, afterKey);
    if (text.regionMatches(true, i, "id", 0, 2) && isNameEnd(text, i + 2)) {
      return i + 2;
    }
    return isNameEnd(text, afterKey) ? afterKey : -1;
  }

  /** Whether the name that {@code access} starts at {@code nameStart} ends goes on with {@code secret} before it. */
  private static boolean saysSecret(String text, int nameStart) {
    int i = nameStart;
    while (i > 0 && nameStart - i < NAME_PREFIX_MAX && (Chars.isAlnum(text.charAt(i - 1))
        || "_-.".indexOf(text.charAt(i - 1)) >= 0)) {
      i--;
    }
    return nameStart - i >= SECRET.length() && text.substring(i, nameStart).toLowerCase(java.util.Locale.ROOT)
        .contains(SECRET);
  }

  private static final String SECRET = "secret";
  private static final int NAME_PREFIX_MAX = 24;

  /** Whether a name ends at {@code at}: the text ends, or a character that is not a letter or digit follows. */
  private static boolean isNameEnd(String text, int at) {
    return at >= text.length() || !Chars.isAlnum(text.charAt(at));
  }

  /** The most data rows read below a table's header for the values of its AccessKey ID column. */
  private static final int TABLE_ROWS = 1_000;
  private static final String COLUMN_DELIMITERS = ",\t;|";
  /** The longest line read as a table's header or row. */
  private static final int TABLE_LINE_MAX = 1_024;

  /**
   * The legacy IDs in a table's AccessKey ID column, when the name at {@code nameStart}..{@code nameEnd} is a column
   * header: a CSV, TSV or markdown table's first line (the console's AccessKey download is such a CSV,
   * {@code AccessKey ID,AccessKey Secret}). The values are read in the same column of the rows below, up to a blank
   * line or a row of a different shape; a row of dashes (markdown's rule) is passed over.
   */
  private static int columnValues(String text, int nameStart, int nameEnd, IntList found) {
    int after = nameEnd;
    while (after < text.length() && (text.charAt(after) == ' ' || isQuote(text.charAt(after)))) {
      after++;
    }
    char delimiter = after < text.length() ? text.charAt(after) : '\n';
    if (delimiter != '\n' && delimiter != '\r' && COLUMN_DELIMITERS.indexOf(delimiter) < 0) {
      return nameEnd;
    }
    int lineStart = nameStart;
    while (lineStart > 0 && text.charAt(lineStart - 1) != '\n' && nameStart - lineStart < TABLE_LINE_MAX) {
      lineStart--;
    }
    int lineEnd = lineEnd(text, nameStart);
    if (lineEnd < 0 || lineStart > 0 && text.charAt(lineStart - 1) != '\n') {
      // Too long a line for a table's header: nor is any other name on it, so none is looked at again.
      int newline = text.indexOf('\n', nameStart);
      return newline < 0 ? text.length() : newline;
    }
    if (delimiter == '\n' || delimiter == '\r') {
      delimiter = firstDelimiter(text, lineStart, lineEnd);
      if (delimiter == '\n') {
        return lineEnd;
      }
    }
    int column = count(text, delimiter, lineStart, nameStart);
    int columns = count(text, delimiter, lineStart, lineEnd);
    int row = nextLine(text, lineEnd);
    for (int rows = 0; row < text.length() && rows < TABLE_ROWS; rows++) {
      int end = lineEnd(text, row);
      if (end < 0 || end - row < 2 || count(text, delimiter, row, end) != columns) {
        return row;
      }
      int field = row;
      for (int k = 0; k < column; k++) {
        field = text.indexOf(delimiter, field) + 1;
      }
      while (field < end && (text.charAt(field) == ' ' || isQuote(text.charAt(field)))) {
        field++;
      }
      int fieldEnd = field;
      while (fieldEnd < end && Chars.isAlnum(text.charAt(fieldEnd))) {
        fieldEnd++;
      }
      if (fieldEnd - field == LEGACY_ID_LENGTH && (fieldEnd == end || !Chars.isAlnum(text.charAt(fieldEnd)))
          && !text.startsWith(KeyShapes.LTAI, field) && !text.startsWith(KeyShapes.STS, field)
          && io.leakguard.schemas.KeyPlausibility.isRandomLooking(text, field, fieldEnd)) {
        found.add(field);
      }
      row = nextLine(text, end);
    }
    return row;
  }

  /** Where the line holding {@code at} ends (before a {@code \r}), or -1 when it is longer than a table's. */
  private static int lineEnd(String text, int at) {
    int limit = Math.min(text.length(), at + TABLE_LINE_MAX);
    int end = at;
    while (end < limit && text.charAt(end) != '\n') {
      end++;
    }
    if (end == limit && limit < text.length()) {
      return -1;
    }
    return end > at && text.charAt(end - 1) == '\r' ? end - 1 : end;
  }

  private static char firstDelimiter(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (COLUMN_DELIMITERS.indexOf(text.charAt(i)) >= 0) {
        return text.charAt(i);
      }
    }
    return '\n';
  }

  private static int count(String text, char c, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      n += text.charAt(i) == c ? 1 : 0;
    }
    return n;
  }

  private static int nextLine(String text, int at) {
    int newline = text.indexOf('\n', at);
    return newline < 0 ? text.length() : newline + 1;
  }

  /**
   * Where a legacy ID value starts after its key name ends at {@code i}, across a short separator, or -1; also when
   * the name is given apart from the value: an HTML form's {@code name="OSSAccessKeyId" value="…"} (OSS's PostObject
   * form) and a Hadoop-style {@code <name>fs.oss.accessKeyId</name><value>…</value>}, on one line or two.
   */
  private static int valueAfterName(String text, int i) {
    int gapStart = i;
    i = skipGap(text, i);
    if (text.regionMatches(true, i, "value=", 0, 6)) {
      i = skipGap(text, i + 6);
    } else if (text.startsWith("</name>", i)) {
      int element = i + "</name>".length();
      while (element < text.length() && element - i < LEGACY_GAP + 16 && Character.isWhitespace(text.charAt(element))) {
        element++;
      }
      if (!text.startsWith("<value>", element)) {
        return -1;
      }
      i = element + "<value>".length();
    }
    int end = i;
    while (end < text.length() && end - i <= LEGACY_ID_LENGTH && Chars.isAlnum(text.charAt(end))) {
      end++;
    }
    if (i == gapStart || end - i != LEGACY_ID_LENGTH || text.startsWith(KeyShapes.LTAI, i)
        || text.startsWith(KeyShapes.STS, i) || KeyShapes.isMaskedAfter(text, end)) {
      return -1;
    }
    return io.leakguard.schemas.KeyPlausibility.isRandomLooking(text, i, end) ? i : -1;
  }

  private static int skipGap(String text, int at) {
    int i = at;
    int gapEnd = Math.min(text.length(), at + LEGACY_GAP);
    while (i < gapEnd && " \t\"':=>\\([".indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  private static int skipSeparator(String text, int at) {
    return at < text.length() && "_-. ".indexOf(text.charAt(at)) >= 0 ? at + 1 : at;
  }

  private static void anchorU(String text, IntList triggers) {
    int last = text.length() - 3;
    for (int i = text.indexOf('U', 1); i >= 0 && i <= last; i = text.indexOf('U', i + 1)) {
      char before = text.charAt(i - 1);
      char next = text.charAt(i + 1);
      char third = text.charAt(i + 2);
      if ((before == 'x' && next == 'Q' && third == 'U') || (before == 'N' && next == 'U' && third == 'y')) {
        triggers.add(i - 1);
      }
    }
  }

  private static void anchorV(String text, IntList triggers) {
    int last = text.length() - 4;
    for (int i = text.indexOf('V', 1); i >= 0 && i <= last; i = text.indexOf('V', i + 1)) {
      if (text.charAt(i - 1) == 'M' && text.startsWith("EFJ", i + 1)) {
        triggers.add(i - 1);
      }
    }
  }

  private static void percentEscapes(String text, IntList triggers) {
    for (int i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) {
      if (hidesKeyCharacter(Chars.hexPair(text, i + 1))) {
        triggers.add(i);
      }
    }
  }

  private static void unicodeEscapes(String text, IntList triggers) {
    for (int i = text.indexOf('\\'); i >= 0; i = text.indexOf('\\', i + 1)) {
      if (i + 1 < text.length() && text.charAt(i + 1) == 'u' && hidesKeyCharacter(Chars.hexQuad(text, i + 2))) {
        triggers.add(i);
      }
    }
  }

  /**
   * The legacy ID after an upper-case name ending at the {@code '='} at {@code at}: {@code ACCESS_KEY_ID=},
   * {@code ACCESSKEYID=}, {@code ACCESS-KEY-ID=}, {@code ACCESS_ID=}, {@code ACCESS_KEY=} (the environment's and
   * S3-style tools' spellings); -1 if none.
   */
  private static int upperCaseLegacyValue(String text, int at) {
    for (int stem = at - LEGACY_STEM.length(); stem >= Math.max(1, at - LEGACY_UPPER.length()); stem--) {
      if (text.charAt(stem - 1) == 'A' && text.startsWith(UPPER_STEM, stem)) {
        return legacyNameEnd(text, stem + UPPER_STEM.length()) == at ? valueAfterName(text, at) : -1;
      }
    }
    return -1;
  }

  private static final String UPPER_STEM = "CCESS";

  /**
   * Every {@code '='}, once: the padding of a base64 value of {@value #PADDED_BASE64_MIN} characters or more (a
   * trigger), and {@code ACCESS_KEY_ID=} (and its other upper-case spellings) or {@code ak=} before a legacy ID.
   */
  private static void equalsSigns(String text, Hits hits) {
    for (int i = text.indexOf('='); i >= 0; i = text.indexOf('=', i + 1)) {
      if (i > 0 && (text.charAt(i - 1) == 'D' || text.charAt(i - 1) == 'Y')) {
        int value = upperCaseLegacyValue(text, i);
        if (value >= 0) {
          hits.legacyIds().add(value);
        }
      }
      if (i >= 2 && (text.charAt(i - 1) | 0x20) == 'k' && (text.charAt(i - 2) | 0x20) == 'a'
          && (i == 2 || !Chars.isAlnum(text.charAt(i - 3)))) {
        // ak=…, the short name of OSS tools and logs (ossutil, the OSS SDKs' log lines).
        int value = valueAfterName(text, i);
        if (value >= 0) {
          hits.legacyIds().add(value);
        }
      }
      if (i >= CREDENTIAL.length() && text.startsWith(CREDENTIAL, i - CREDENTIAL.length())) {
        // Credential=ID/DATE/REGION/oss/aliyun_v4_request (OSS's V4 signature), Credential=ID,SignedHeaders=… (ACS3).
        int value = valueAfterName(text, i);
        if (value >= 0 && value + LEGACY_ID_LENGTH < text.length()
            && (text.charAt(value + LEGACY_ID_LENGTH) == '/' || text.charAt(value + LEGACY_ID_LENGTH) == ',')) {
          hits.legacyIds().add(value);
        }
      }
      if (isSoftBreakInWord(text, i)) {
        hits.softBreaks().add(i);
      }
      if (i < PADDED_BASE64_MIN) {
        continue;
      }
      // Walk back at most the minimum length: "key=value" stops within a few characters, once per '='.
      int start = i;
      while (start > i - PADDED_BASE64_MIN && Chars.isBase64(text.charAt(start - 1))) {
        start--;
      }
      if (start == i - PADDED_BASE64_MIN) {
        hits.triggers().add(start);
        signedHeader(text, i, hits.legacyIds());
      }
    }
  }

  /**
   * A quoted-printable soft line break inside a word: {@code =} ending a line of {@value #SOFT_BREAK_MIN_LINE}
   * characters or more, right after a letter or digit. Mail encoders break lines at 76 columns (RFC 2045, section
   * 6.7), so a key may be cut in two; the region is decoded as quoted-printable, besides its decoding as anything
   * else (base64 padding ends a line the same way). {@code KEY=} at the end of a short line (an empty assignment) is
   * not one.
   */
  private static boolean isSoftBreakInWord(String text, int at) {
    if (at == 0 || Decoder.softBreakLength(text, at, text.length()) == 0 || !Chars.isAlnum(text.charAt(at - 1))) {
      return false;
    }
    int lineStart = text.lastIndexOf('\n', at - 1) + 1;
    return at - lineStart >= SOFT_BREAK_MIN_LINE;
  }

  static final int SOFT_BREAK_MIN_LINE = 60;

  /** The longest signature looked for before its padding: HMAC-SHA256 in base64 is 44 characters. */
  private static final int SIGNATURE_MAX = 44;
  private static final String[] SIGNATURE_SCHEMES = {"OSS ", "acs ", "LOG ", "MNS "};
  private static final String CREDENTIAL = "Credential";

  /**
   * A legacy ID in a signed request's header: {@code Authorization: OSS ID:SIGNATURE=} (OSS's V1 signature),
   * {@code acs ID:SIGNATURE=}, {@code LOG ID:SIGNATURE=} (Simple Log Service, "Request signatures",
   * help.aliyun.com/document_detail/29012) or {@code MNS ID:SIGNATURE=} (Message Service), found from the padding of
   * the signature, which the {@code '='} pass visits anyway.
   */
  private static void signedHeader(String text, int padding, IntList legacyIds) {
    int signature = padding;
    while (signature > 0 && padding - signature < SIGNATURE_MAX && Chars.isBase64(text.charAt(signature - 1))) {
      signature--;
    }
    int colon = signature - 1;
    int id = colon - LEGACY_ID_LENGTH;
    if (id < 4 || text.charAt(colon) != ':') {
      return;
    }
    boolean scheme = false;
    for (String name : SIGNATURE_SCHEMES) {
      scheme |= text.startsWith(name, id - name.length());
    }
    for (int k = id; k < colon && scheme; k++) {
      scheme = Chars.isAlnum(text.charAt(k));
    }
    if (scheme && !text.startsWith(KeyShapes.LTAI, id)
        && io.leakguard.schemas.KeyPlausibility.isRandomLooking(text, id, colon)) {
      legacyIds.add(id);
    }
  }

  /** A character that an encoder only escapes when it escapes everything, or when it encodes twice. */
  private static boolean hidesKeyCharacter(int value) {
    return value >= 0 && (Chars.isAlnum((char) value) || value == '.' || value == '%' || value == '\\');
  }
}
