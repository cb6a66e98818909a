package io.leakguard.detector.scan;

import io.leakguard.cloud.Secret;
import io.leakguard.schemas.CredentialKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The scanner's engine: finds AccessKey IDs, pairs each with a secret (and an STS ID with its security token) on the
 * same line or within {@value #PAIRING_LINES} lines, and decodes the regions where an encoding may hide a key, then
 * scans the decoded text the same way, at most {@value #MAX_DEPTH} encodings deep.
 *
 * <p>Linear time, whatever the input: the prefilter makes one {@code indexOf} pass per anchor; IDs are checked by
 * reading at most their own length; secrets, tokens and lines are indexed lazily and forward only, so windows that
 * overlap share the work; pairing windows are also capped at {@value #WINDOW_CHARS} characters each side; decoded
 * regions are disjoint and smaller than what they decode, and each level of nesting scans at most the text once.
 *
 * <p>Stateless: one instance may serve any number of threads.
 */
public final class ContentScan {

  public static final int PAIRING_LINES = 3;
  /** How far a value named as a secret ({@code AccessKeySecret}, a {@code <name>} element saying so) may be. */
  public static final int STRUCTURE_LINES = 12;
  /**
   * How far a value named as an AccessKey's secret in so many words ({@code accessKeySecret},
   * {@code access_key_secret}, {@code secretAccessKey}) may be: a large configuration puts a dozen options or more
   * between the ID and its secret.
   */
  public static final int NAMED_SECRET_LINES = 40;
  public static final int WINDOW_CHARS = 4096;
  /** Lines each side of a literal that may be an ID's first fragment, reassembled with its neighbours. */
  static final int CONCATENATION_LINES = 8;
  public static final int MAX_DEPTH = 4;

  /** Every credential in {@code text}, one per AccessKey ID (a paired sighting preferred), in text order. */
  public List<Sighting> scan(String text) {
    return scan(text, false);
  }

  /**
   * Every occurrence of a credential in {@code text}, in text order: an ID mentioned again far from its secret (an
   * incident note, a HAR file's second copy of a request) is reported at each place, each carrying the secret found
   * for that ID anywhere in the text. What {@code leakguard scan} prints; the pipeline wants one per key.
   */
  public List<Sighting> scanEveryOccurrence(String text) {
    return scan(text, true);
  }

  private List<Sighting> scan(String text, boolean everyOccurrence) {
    List<Found> found = new ArrayList<>();
    LineIndex lines = new LineIndex(text);
    scanLevel(text, lines, 0, IntUnaryOperator.identity(), found);
    if (found.isEmpty()) {
      return List.of();
    }
    Map<String, Found> best = new LinkedHashMap<>();
    for (Found candidate : found) {
      best.merge(candidate.accessKeyId, candidate, (old, neu) -> neu.rank() > old.rank()
          || (neu.rank() == old.rank() && neu.offset < old.offset) ? neu : old);
    }
    List<Found> chosen;
    if (everyOccurrence) {
      // One per place: the same ID found at one offset by several levels (plain and decoded) counts once.
      Map<String, Found> byPlace = new LinkedHashMap<>();
      for (Found candidate : found) {
        Found pair = best.get(candidate.accessKeyId);
        byPlace.putIfAbsent(candidate.accessKeyId + "@" + candidate.offset,
            new Found(candidate.accessKeyId, candidate.kind, candidate.offset, pair.secret, pair.token));
      }
      chosen = new ArrayList<>(byPlace.values());
    } else {
      chosen = new ArrayList<>(best.values());
    }
    chosen.sort(Comparator.comparingInt(f -> f.offset));
    List<Sighting> sightings = new ArrayList<>(chosen.size());
    for (Found f : chosen) {
      int line = lines.lineOf(f.offset);
      sightings.add(new Sighting(f.accessKeyId, f.kind, line + 1, f.offset - lines.lineStart(line) + 1,
          f.secret == null ? null : new Secret(f.secret), f.token == null ? null : new Secret(f.token)));
    }
    return sightings;
  }

  /** A sighting before its line is known, at an offset of the top-level text. */
  private record Found(String accessKeyId, CredentialKind kind, int offset, String secret, String token) {
    int rank() {
      return (secret != null ? 2 : 0) + (token != null ? 1 : 0);
    }

    @Override
    public String toString() {
      return "Found[" + accessKeyId + " at " + offset + "]";
    }
  }

  private void scanLevel(String text, LineIndex lines, int depth, IntUnaryOperator toTop, List<Found> found) {
    Prefilter.Hits hits = Prefilter.find(text);
    if (hits.isEmpty()) {
      return;
    }
    IntList triggers = hits.triggers();
    if (!hits.accessKeyIds().isEmpty() || !hits.stsIds().isEmpty() || !hits.legacyIds().isEmpty()) {
      IntList ids = merge(merge(hits.accessKeyIds(), hits.stsIds()), hits.legacyIds());
      Pairing pairing = new Pairing(text, lines, ids);
      for (int k = 0; k < ids.size(); k++) {
        int start = ids.get(k);
        boolean sts = text.startsWith(KeyShapes.STS, start);
        // A legacy ID (no prefix) was checked whole by the prefilter, with its key name.
        int end = sts ? KeyShapes.stsIdEnd(text, start) : text.startsWith(KeyShapes.LTAI, start)
            ? KeyShapes.accessKeyIdEnd(text, start) : start + Prefilter.LEGACY_ID_LENGTH;
        if (end < 0) {
          continue;
        }
        Pairing.Pair pair = pairing.pair(start, end, sts);
        found.add(new Found(text.substring(start, end), sts ? CredentialKind.STS_TOKEN : CredentialKind.RAM_USER_KEY,
            toTop.applyAsInt(start), pair.secret(), pair.token()));
        if (pair.secret() == null) {
          // Its secret may be encoded next to it (a base64 value, an escaped string): decode around it.
          triggers.add(start);
        }
      }
    }
    if (depth >= MAX_DEPTH) {
      return;
    }
    // Literals joined in code: the window with each join reassembled, its secret still next to it. Wider, since the
    // fragments may be assigned to variables a few lines before they are joined.
    scanRewritten(text, lines, depth, toTop, found, hits.fragments(), CONCATENATION_LINES, Concatenations::rewrite);
    // Encodings: the window decoded.
    triggers.sort();
    scanRewritten(text, lines, depth, toTop, found, triggers, PAIRING_LINES, Decoder::decode);
    // Quoted-printable mail: the window with its soft line breaks joined.
    scanRewritten(text, lines, depth, toTop, found, hits.softBreaks(), PAIRING_LINES,
        Decoder::decodeQuotedPrintable);
  }

  /** A rewriting of a region of a text, null when it changes nothing: a decoding, a reassembly. */
  private interface Rewrite {
    Decoder.Decoded apply(String text, int from, int to);
  }

  /** Scans one level deeper the regions around {@code sortedTriggers}, each as {@code rewrite} makes it. */
  private void scanRewritten(String text, LineIndex lines, int depth, IntUnaryOperator toTop, List<Found> found,
      IntList sortedTriggers, int lineSpan, Rewrite rewrite) {
    if (sortedTriggers.isEmpty()) {
      return;
    }
    for (int[] region : Regions.around(text, lines, sortedTriggers, lineSpan)) {
      Decoder.Decoded rewritten = rewrite.apply(text, region[0], region[1]);
      if (rewritten != null) {
        IntUnaryOperator toSource = rewritten.toSource();
        scanLevel(rewritten.text(), new LineIndex(rewritten.text()), depth + 1,
            position -> toTop.applyAsInt(toSource.applyAsInt(position)), found);
      }
    }
  }

  /** The two ascending position lists as one ascending list: pairing asks for windows in text order. */
  private static IntList merge(IntList a, IntList b) {
    IntList merged = new IntList();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (j >= b.size() || (i < a.size() && a.get(i) <= b.get(j))) {
        merged.add(a.get(i++));
      } else {
        merged.add(b.get(j++));
      }
    }
    return merged;
  }

  /** Finds the secret (and token) of each ID of one text, IDs given in text order. */
  private static final class Pairing {

    record Pair(String secret, String token) {
      @Override
      public String toString() {
        return "Pair[redacted]";
      }
    }

    private final String text;
    private final LineIndex lines;
    private final IntList ids;
    private final SecretRuns secrets;
    private final SecurityTokens tokens;

    Pairing(String text, LineIndex lines, IntList ids) {
      this.text = text;
      this.lines = lines;
      this.ids = ids;
      this.secrets = new SecretRuns(text);
      this.tokens = new SecurityTokens(text);
    }

    Pair pair(int idStart, int idEnd, boolean sts) {
      int line = lines.lineOf(idStart);
      int from = Math.max(lines.lineStart(line - PAIRING_LINES), idStart - WINDOW_CHARS);
      int to = Math.min(lines.lineEnd(line + PAIRING_LINES), idEnd + WINDOW_CHARS);
      String token = sts ? tokens.nearest(from, to, idStart) : null;
      // Candidates come from the wide window; beyond the near lines only a value named as a secret counts, and only
      // when no other ID stands between (it belongs to that ID's group then).
      int wideFrom = Math.max(lines.lineStart(line - STRUCTURE_LINES), idStart - WINDOW_CHARS);
      int wideTo = Math.min(lines.lineEnd(line + STRUCTURE_LINES), idEnd + WINDOW_CHARS);
      int farFrom = Math.max(lines.lineStart(line - NAMED_SECRET_LINES), idStart - WINDOW_CHARS);
      int farTo = Math.min(lines.lineEnd(line + NAMED_SECRET_LINES), idEnd + WINDOW_CHARS);
      String secret = null;
      long bestScore = Long.MIN_VALUE;
      String idName = KeyNames.name(text, idStart);
      String idFamily = KeyNames.family(idName);
      for (int k = secrets.first(farFrom); secrets.hasRun(k, farTo); k++) {
        int start = secrets.start(k);
        int length = secrets.end(k) - start;
        if (sts ? length < KeyShapes.SECRET_LENGTH : length != KeyShapes.SECRET_LENGTH) {
          continue;
        }
        String name = KeyNames.name(text, start);
        KeyNames.Kind named = KeyNames.of(name, idName);
        if (named == KeyNames.Kind.OTHER) {
          continue; // a password, a token, a signature: named as something else, so not this key's secret
        }
        boolean near = start >= from && start < to;
        if (!near && (named != KeyNames.Kind.SECRET || idBetween(idStart, start))) {
          continue;
        }
        if ((start < wideFrom || start >= wideTo) && !KeyNames.saysAccessKeySecret(name)) {
          continue; // beyond the structure's lines only an AccessKey's secret by name
        }
        long score = score(start, idStart, line, named == KeyNames.Kind.SECRET, near,
            sameFamily(idFamily, KeyNames.family(name)));
        if (score > bestScore) {
          bestScore = score;
          secret = secrets.value(k);
        }
      }
      return new Pair(secret, token);
    }

    /** Whether another ID of this text starts between {@code a} and {@code b}. */
    private boolean idBetween(int a, int b) {
      int low = Math.min(a, b);
      int high = Math.max(a, b);
      // ids is ascending: find the first one after low.
      int lo = 0;
      int hi = ids.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ids.get(mid) <= low) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo < ids.size() && ids.get(lo) < high;
    }

    /**
     * 2 when the ID's and the secret's names say the same family ({@code OSS_ACCESS_KEY_ID} and
     * {@code OSS_ACCESS_KEY_SECRET}), 0 when they say different ones ({@code SLS_…}), 1 when either says none.
     */
    private static long sameFamily(String id, String secret) {
      if (id == null || secret == null || id.isEmpty() || secret.isEmpty()) {
        return 1;
      }
      return id.equals(secret) ? 2 : 0;
    }

    /**
     * Higher is better: the same family of names first, then a key name saying "secret", then the near lines before
     * the far ones, then the nearest line, then after the ID rather than before it (configuration writes the ID
     * first), then the nearest column.
     */
    private long score(int start, int idStart, int idLine, boolean named, boolean near, long family) {
      long keyword = named ? 1 : 0;
      long lineDistance = Math.min(Math.abs(lines.lineOf(start) - idLine), STRUCTURE_LINES);
      long after = start > idStart ? 1 : 0;
      long distance = Math.min(Math.abs(start - idStart), 1 << 20);
      return family << 46 | keyword << 45 | (near ? 1L : 0L) << 44 | (STRUCTURE_LINES - lineDistance) << 30 | after << 25
          | ((1 << 20) - distance);
    }
  }
}
