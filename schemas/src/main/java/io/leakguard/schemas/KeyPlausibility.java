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
  /** Longest repeated chunk looked for: {@code Abc123Abc123} repeats a 6-character chunk. */
  private static final int MAX_PERIOD = 8;
  /** Steps of two interleaved sequences: 6 is {@code a1b2c3d4}, eight characters. */
  private static final int MAX_INTERLEAVED = 6;
  /** Steps of one sequence at every other place: 6 is seven characters ({@code 1?2?3?4?5?6?7}), by chance 36^-6. */
  private static final int MAX_ALTERNATE = 6;
  /** Keyboard rows, read either way, of which six keys in a row are a person's typing ({@code qwerty}, {@code asdfgh}). */
  private static final String[] KEYBOARD_ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx3edc4rfv"};
  private static final int KEYBOARD_WALK = 6;
  private static final java.util.List<String> KEYBOARD_WALKS = keyboardWalks(KEYBOARD_WALK);
  /**
   * Walks typed with digits between the keys ({@code Q1w2E3r4T5y6U7}), looked for in the letters alone: one key
   * longer, as letters alone come closer together than the value's characters.
   */
  private static final java.util.List<String> KEYBOARD_WALKS_OF_LETTERS = keyboardWalks(KEYBOARD_WALK + 1);
  /** Shortest word of a word sequence, and how many words make one (fewer with a closing acronym). */
  private static final int MIN_WORDS = 3;
  /** Shortest first word of a name in lower camel case ({@code get}, {@code assume}, {@code describe}). */
  private static final int LOWER_FIRST_WORD = 3;
  /** Acronyms that Alibaba Cloud's API and SDK names use inside a name ({@code AssumeRoleWithOIDCRequest}). */
  private static final Set<String> KNOWN_ACRONYMS = Set.of("OIDC", "SAML", "RAM", "STS", "KMS", "ECS", "OSS", "API",
      "URL", "HTTP", "HTTPS", "JSON", "XML", "SDK", "ARN", "MFA", "VPC", "SLB", "RDS", "DNS", "IP", "ID", "AK");
  /** Two-letter words a typed name uses freely ({@code MyAccessKeyIdHere}); any other counts as one at most. */
  private static final Set<String> SHORT_WORDS = Set.of("Id", "My", "Is", "To", "Of", "Or", "On", "In", "At", "By",
      "Up", "No", "Do", "Go", "So", "Be", "We", "Me", "Us", "It", "An", "As", "If");
  /** Shorter bodies (the 12 characters after {@code LTAI} of a 16-character ID) are too often word-like by chance. */
  private static final int MIN_WORD_SEQUENCE = 16;
  /** Matched as written, capitalized or upper case: ignoring case entirely would reject too many random values. */
  private static final String[] PLACEHOLDER_WORDS = {"example", "sample", "dummy", "placeholder", "replace"};
  /**
   * Four-letter placeholder words, which random values hold too often to take anywhere: only as a word of a typed
   * name, capitalized before a capital or a digit ({@code FakeKey}, {@code Test0001}) or in capitals before anything
   * else ({@code TODOreplace}, {@code FAKE12}). By chance that is 3 values in a million.
   */
  private static final String[] SHORT_PLACEHOLDER_WORDS = {"fake", "test", "todo"};
  /**
   * The programmer's stand-in words, matched in any case ({@code FoObAr}): six letters, by chance once in 31^6 places
   * (shorter ones, {@code lorem}, cost random values more than they catch).
   */
  private static final String[] METASYNTACTIC_WORDS = {"foobar", "bazqux", "loremipsum"};
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
    int[] periodicRuns = new int[MAX_PERIOD + 1];
    int ascendingRun = 1;
    int descendingRun = 1;
    int interleavedUp = 0;
    int interleavedDown = 0;
    int[] alternateUp = new int[2];
    int[] alternateDown = new int[2];
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c >= 128) {
        return false;
      }
      counts[c]++;
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
      int folded = fold(c);
      // A value repeating itself every 1 to 8 characters, case aside: xxxxxx, aAaAaA, abababab, a1b2a1b2a1b2, and a
      // chunk typed twice (Abc123Abc123). Chunks over 6 must repeat whole; by chance, 6 repeated characters at one
      // distance come once in 36^6 (two billion) positions.
      for (int period = 1; period <= MAX_PERIOD; period++) {
        periodicRuns[period] = i - period >= from && fold(text.charAt(i - period)) == folded
            ? periodicRuns[period] + 1 : 0;
        if (periodicRuns[period] >= (period == 1 ? MAX_EQUAL_RUN - 1 : Math.max(MAX_EQUAL_RUN, period))) {
          return false;
        }
      }
      if (i > from) {
        // Sequences, case aside: abcdef, AbCdEf, 654321.
        int step = folded - fold(text.charAt(i - 1));
        ascendingRun = step == 1 ? ascendingRun + 1 : 1;
        descendingRun = step == -1 ? descendingRun + 1 : 1;
        if (ascendingRun >= MAX_SEQUENCE || descendingRun >= MAX_SEQUENCE) {
          return false;
        }
      }
      if (i - 2 >= from) {
        // Two sequences interleaved: a1b2c3d4, A0B1C2D3.
        int step = folded - fold(text.charAt(i - 2));
        interleavedUp = step == 1 ? interleavedUp + 1 : 0;
        interleavedDown = step == -1 ? interleavedDown + 1 : 0;
        if (interleavedUp >= MAX_INTERLEAVED || interleavedDown >= MAX_INTERLEAVED) {
          return false;
        }
        // One sequence at every other place, whatever lies between: N1v2k3E4y5I6.
        int parity = (i - from) & 1;
        alternateUp[parity] = step == 1 ? alternateUp[parity] + 1 : 0;
        alternateDown[parity] = step == -1 ? alternateDown[parity] + 1 : 0;
        if (alternateUp[parity] >= MAX_ALTERNATE || alternateDown[parity] >= MAX_ALTERNATE) {
          return false;
        }
      }
    }
    if ((upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) < 2) {
      return false;
    }
    if (isBlocky(text, from, to) || endsInMask(text, from, to)) {
      return false;
    }
    if (containsPlaceholderWord(text, from, to) || containsKeyboardWalk(text, from, to)
        || containsTypedWords(text, from, to)
        || (length >= MIN_WORD_SEQUENCE && isWordSequence(text, from, to))
        || isWordsWithDigits(text, from, to)) {
      return false;
    }
    return entropy(counts, length) >= Math.min(3.0, 0.6 * log2(length));
  }

  /**
   * Whether a value is typed in blocks: too many neighbours equal ({@code AAAABBBBCCCC}), one up
   * ({@code abcd1234efgh}) or one down, case aside. A random neighbour is equal, up or down once in 36 each; more than
   * a quarter of them (and at least 7) is, by chance, one value in a million or fewer.
   */
  private static boolean isBlocky(CharSequence text, int from, int to) {
    int limit = Math.max(7, (to - from) / 4 + 2);
    int equal = 0;
    int up = 0;
    int down = 0;
    for (int i = from + 1; i < to; i++) {
      int step = fold(text.charAt(i)) - fold(text.charAt(i - 1));
      equal += step == 0 ? 1 : 0;
      up += step == 1 ? 1 : 0;
      down += step == -1 ? 1 : 0;
    }
    return equal >= limit || up >= limit || down >= limit;
  }

  /**
   * Trailing characters masked with x or zeros ({@code LTAI5t…xxxx}, {@code …0000}): by chance
   * once in a million values.
   */
  private static boolean endsInMask(CharSequence text, int from, int to) {
    if (to - from < MASK_RUN) {
      return false;
    }
    char last = text.charAt(to - 1);
    if ((last | 0x20) != 'x' && last != '0') {
      return false;
    }
    int masked = 0;
    while (masked < MASK_RUN && (text.charAt(to - 1 - masked) | 0x20) == (last | 0x20)) {
      masked++;
    }
    return masked == MASK_RUN;
  }

  private static final int MASK_RUN = 4;

  /**
   * Whether a value is words with a short prefix or suffix of digits: {@code 5tFakeAccessKeyId123},
   * {@code 5tAccessKeyForBucket42}. The words left after at most {@value #PREFIX} characters before the first capital
   * and {@value #AFFIX} trailing digits must fill {@value #AFFIXED_WORDS_MIN} characters at least.
   */
  private static boolean isWordsWithDigits(CharSequence text, int from, int to) {
    int start = from;
    while (start < to && start - from < PREFIX && !(text.charAt(start) >= 'A' && text.charAt(start) <= 'Z')) {
      start++;
    }
    int end = to;
    while (end > start && to - end < AFFIX && text.charAt(end - 1) >= '0' && text.charAt(end - 1) <= '9') {
      end--;
    }
    return (start > from || end < to) && end - start >= AFFIXED_WORDS_MIN && isWordSequence(text, start, end);
  }

  private static final int AFFIX = 4;
  private static final int PREFIX = 2;
  /** Longer than a bare word sequence must be: words cut out of random text are more often word-like by chance. */
  private static final int AFFIXED_WORDS_MIN = 18;

  /** Whether a complete secret is a known documentation example. */
  public static boolean isDocumentationExample(String value) {
    return DOCUMENTATION_EXAMPLES.contains(KeyForms.fingerprint(value));
  }

  /**
   * Whether {@code text[from, to)} is a sequence of words rather than random characters: capitalized words
   * ({@code GetCallerIdentity}), at least {@value #MIN_WORDS} of them, with acronyms of 2 to 5 capitals allowed
   * between or after them ({@code AssumeRoleWithOIDC}, {@code AssumeRoleWithSAMLRequest}). This is what an API name, a class name or a typed placeholder
   * ({@code YourAccessKeyIdHere}) looks like; {@code STS.GetCallerIdentity} is an STS action, not an STS AccessKey ID.
   * Each word must hold a vowel, so that random capital-lowercase alternations ({@code QwXzPk…}) are not words.
   *
   * <p>Random alphanumerics rarely look like this: measured on 500,000 random values of each length, 16 of
   * 16 characters, 2 of 20, 1 of 24, none of 30 (see {@code KeyPlausibilityTest}). Bodies under 16 characters are not
   * held to it.
   */
  public static boolean isWordSequence(CharSequence text, int from, int to) {
    int words = 0;
    int shortWords = 0;
    int acronyms = 0;
    int i = from;
    // Lower camel case (assumeRoleWithOIDC, getCallerIdentity: the JavaScript and Go SDKs' method names) opens with a
    // word in lower case, of at least LOWER_FIRST_WORD letters.
    while (i < to && text.charAt(i) >= 'a' && text.charAt(i) <= 'z') {
      i++;
    }
    if (i > from) {
      if (i - from < LOWER_FIRST_WORD || !isPronounceable(text, from, i)) {
        return false;
      }
      words++;
    }
    while (i < to) {
      char c = text.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
      int end = i + 1;
      while (end < to && text.charAt(end) >= 'a' && text.charAt(end) <= 'z') {
        end++;
      }
      if (end - i >= 2) {
        if (!isPronounceable(text, i, end)
            || (end - i == 2 && !SHORT_WORDS.contains(text.subSequence(i, end).toString()) && ++shortWords > 1)) {
          return false; // random capitals and lower case make many two-letter "words"; names have one at most (Id)
        }
        words++;
        i = end;
        continue;
      }
      // Capitals in a row: an acronym, closing the name (WithOIDC) or followed by a word (OIDCRequest), whose
      // capital is then the last of the run.
      int capitals = i;
      while (capitals < to && text.charAt(capitals) >= 'A' && text.charAt(capitals) <= 'Z') {
        capitals++;
      }
      int acronymEnd = capitals < to ? capitals - 1 : capitals;
      if (capitals < to && (text.charAt(capitals) < 'a' || text.charAt(capitals) > 'z')) {
        return false;
      }
      int acronym = acronymEnd - i;
      boolean closing = acronymEnd == to;
      if (acronym < 2 || acronym > 5 || ++acronyms > 2
          || (!closing && !KNOWN_ACRONYMS.contains(text.subSequence(i, acronymEnd).toString()))) {
        return false; // inside a name only the acronyms APIs use: random capitals in a row are too common
      }
      i = acronymEnd;
    }
    return words >= MIN_WORDS;
  }

  /**
   * Whether a capitalized word reads like one: at least a quarter of its letters vowels ({@code y} counts), no more
   * than three consonants or three vowels in a row ({@code Federation}, {@code Identity}, but not {@code Pposrpu}).
   */
  private static boolean isPronounceable(CharSequence text, int from, int to) {
    int vowels = 0;
    int consonantRun = 0;
    int vowelRun = 0;
    for (int i = from; i < to; i++) {
      boolean vowel = "aeiouyAEIOUY".indexOf(text.charAt(i)) >= 0;
      vowels += vowel ? 1 : 0;
      consonantRun = vowel ? 0 : consonantRun + 1;
      vowelRun = vowel ? vowelRun + 1 : 0;
      if (consonantRun > 3 || vowelRun > 3) {
        return false;
      }
    }
    return vowels * 4 >= to - from;
  }

  private static boolean containsKeyboardWalk(CharSequence text, int from, int to) {
    if (to - from < KEYBOARD_WALK) {
      return false;
    }
    String value = text.subSequence(from, to).toString().toLowerCase(Locale.ROOT);
    for (String walk : KEYBOARD_WALKS) {
      if (value.contains(walk)) {
        return true;
      }
    }
    StringBuilder letters = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        letters.append(value.charAt(i));
      }
    }
    for (String walk : KEYBOARD_WALKS_OF_LETTERS) {
      if (letters.indexOf(walk) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Words a person types into a made-up key ({@code AliyunAccessKey001}, {@code MyCompanyProdKey01},
   * {@code NOTAREALKEY}), capitalized or in capitals. Random values hold one now and then; two or more, 7 letters in
   * all, about once in ten billion.
   */
  private static final String[] TYPED_WORDS = {"Access", "Key", "Secret", "Aliyun", "Alibaba", "Cloud", "Prod",
      "Production", "Dev", "Staging", "Demo", "Your", "Our", "Company", "Here", "Insert", "Change", "Not", "Real",
      "Account", "User", "Token", "Value", "Default", "Test", "Fake", "Bucket", "Admin", "Root", "Synthetic", "Such",
      "Invalid", "Unknown", "Missing", "Wrong", "Revoked", "Deleted", "Disabled", "Expired"};
  /** Each typed word as written and in capitals, built once. */
  private static final java.util.List<String> TYPED_FORMS = java.util.Arrays.stream(TYPED_WORDS)
      .flatMap(word -> java.util.stream.Stream.of(word, word.toUpperCase(Locale.ROOT))).toList();
  private static final int TYPED_LETTERS = 7;
  /** One typed word this long is enough ({@code STS.NSyntheticTokABCD}): by chance once in 50 billion values. */
  private static final int TYPED_WORD_ALONE = 6;

  private static boolean containsTypedWords(CharSequence text, int from, int to) {
    String value = text.subSequence(from, to).toString();
    int words = 0;
    int letters = 0;
    for (String form : TYPED_FORMS) {
      for (int at = value.indexOf(form); at >= 0; at = value.indexOf(form, at + form.length())) {
        if (form.length() >= TYPED_WORD_ALONE) {
          return true;
        }
        words++;
        letters += form.length();
      }
    }
    return words >= 2 && letters >= TYPED_LETTERS;
  }

  /** Every run of {@code length} keys along a row, both ways: built once, checked for every value. */
  private static java.util.List<String> keyboardWalks(int length) {
    java.util.List<String> walks = new java.util.ArrayList<>();
    for (String row : KEYBOARD_ROWS) {
      String reversed = new StringBuilder(row).reverse().toString();
      for (int k = 0; k + length <= row.length(); k++) {
        walks.add(row.substring(k, k + length));
        walks.add(reversed.substring(k, k + length));
      }
    }
    return java.util.List.copyOf(walks);
  }

  /** A character with its case folded, so that sequences and repeats are seen whatever the capitalization. */
  private static int fold(char c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  }

  private static boolean containsPlaceholderWord(CharSequence text, int from, int to) {
    String value = text.subSequence(from, to).toString();
    for (String word : PLACEHOLDER_WORDS) {
      String capitalized = Character.toUpperCase(word.charAt(0)) + word.substring(1);
      if (value.contains(word) || value.contains(capitalized) || value.contains(word.toUpperCase(Locale.ROOT))) {
        return true;
      }
    }
    for (String word : SHORT_PLACEHOLDER_WORDS) {
      if (containsAsWord(value, Character.toUpperCase(word.charAt(0)) + word.substring(1), false)
          || containsAsWord(value, word.toUpperCase(Locale.ROOT), true)) {
        return true;
      }
    }
    String folded = value.toLowerCase(Locale.ROOT);
    for (String word : METASYNTACTIC_WORDS) {
      if (folded.contains(word)) {
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

  /** Whether {@code word} ends a word in {@code value}: before a capital or digit, or (in capitals) a non-capital. */
  private static boolean containsAsWord(String value, String word, boolean capitals) {
    for (int at = value.indexOf(word); at >= 0; at = value.indexOf(word, at + 1)) {
      int next = at + word.length();
      if (next == value.length()) {
        return true;
      }
      char c = value.charAt(next);
      boolean capital = c >= 'A' && c <= 'Z';
      if (capitals ? !capital : capital || (c >= '0' && c <= '9')) {
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
