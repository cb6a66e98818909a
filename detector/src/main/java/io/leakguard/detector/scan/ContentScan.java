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
  public static final int WINDOW_CHARS = 4096;
  public static final int MAX_DEPTH = 4;
  private static final int KEYWORD_LOOKBACK = 48;

  /** Every credential in {@code text}, one per AccessKey ID (a paired sighting preferred), in text order. */
  public List<Sighting> scan(String text) {
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
    List<Found> chosen = new ArrayList<>(best.values());
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
    if (!hits.accessKeyIds().isEmpty() || !hits.stsIds().isEmpty()) {
      Pairing pairing = new Pairing(text, lines);
      IntList ids = merge(hits.accessKeyIds(), hits.stsIds());
      for (int k = 0; k < ids.size(); k++) {
        int start = ids.get(k);
        boolean sts = text.startsWith(KeyShapes.STS, start);
        int end = sts ? KeyShapes.stsIdEnd(text, start) : KeyShapes.accessKeyIdEnd(text, start);
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
    if (depth >= MAX_DEPTH || triggers.isEmpty()) {
      return;
    }
    triggers.sort();
    for (int[] region : Regions.around(text, lines, triggers)) {
      Decoder.Decoded decoded = Decoder.decode(text, region[0], region[1]);
      if (decoded != null) {
        IntUnaryOperator toSource = decoded.toSource();
        scanLevel(decoded.text(), new LineIndex(decoded.text()), depth + 1,
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
    private final SecretRuns secrets;
    private final SecurityTokens tokens;

    Pairing(String text, LineIndex lines) {
      this.text = text;
      this.lines = lines;
      this.secrets = new SecretRuns(text);
      this.tokens = new SecurityTokens(text);
    }

    Pair pair(int idStart, int idEnd, boolean sts) {
      int line = lines.lineOf(idStart);
      int from = Math.max(lines.lineStart(line - PAIRING_LINES), idStart - WINDOW_CHARS);
      int to = Math.min(lines.lineEnd(line + PAIRING_LINES), idEnd + WINDOW_CHARS);
      String token = sts ? tokens.nearest(from, to, idStart) : null;
      String secret = null;
      long bestScore = Long.MIN_VALUE;
      for (int k = secrets.first(from); secrets.hasRun(k, to); k++) {
        int start = secrets.start(k);
        int length = secrets.end(k) - start;
        if (sts ? length < KeyShapes.SECRET_LENGTH : length != KeyShapes.SECRET_LENGTH) {
          continue;
        }
        long score = score(start, idStart, line);
        if (score > bestScore) {
          bestScore = score;
          secret = secrets.value(k);
        }
      }
      return new Pair(secret, token);
    }

    /**
     * Higher is better: a key name saying "secret" before the value first, then the nearest line, then after the ID
     * rather than before it (configuration writes the ID first), then the nearest column.
     */
    private long score(int start, int idStart, int idLine) {
      long keyword = hasSecretKeyword(start) ? 1 : 0;
      long lineDistance = Math.abs(lines.lineOf(start) - idLine);
      long after = start > idStart ? 1 : 0;
      long distance = Math.min(Math.abs(start - idStart), 1 << 20);
      return keyword << 40 | (PAIRING_LINES - lineDistance) << 30 | after << 25 | ((1 << 20) - distance);
    }

    /** Whether "secret" (any case) appears shortly before the value on its line: {@code AccessKeySecret: …}. */
    private boolean hasSecretKeyword(int valueStart) {
      int from = Math.max(0, valueStart - KEYWORD_LOOKBACK);
      for (int i = valueStart - 6; i >= from; i--) {
        char c = text.charAt(i + 5);
        if (c == '\n') {
          return false;
        }
        if ((c == 't' || c == 'T') && text.regionMatches(true, i, "secret", 0, 6)) {
          return true;
        }
      }
      return false;
    }
  }
}
