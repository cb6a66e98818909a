package io.leakguard.detector.scan;

import io.leakguard.schemas.KeyPlausibility;

/**
 * The secret-shaped values of a text (alphanumeric runs of 30 to 64 characters on boundaries), found lazily and
 * forward only: keys are paired in text order, so each character is examined once however many keys share a window.
 * Runs that are part of base64 text (a {@code +}, {@code /} or {@code =} glued to them) or the body of an STS ID
 * are not secrets.
 */
final class SecretRuns {

  private final String text;
  private final IntList starts = new IntList();
  private final IntList ends = new IntList();
  private int scannedTo;
  private int firstInWindow;

  SecretRuns(String text) {
    this.text = text;
  }

  /** Index of the first run starting at or after {@code from}; windows must be asked for with non-decreasing starts. */
  int first(int from) {
    if (scannedTo < from) {
      // Text between windows is never read: jump to the window, past the rest of a run it may cut.
      scannedTo = from;
      while (scannedTo > 0 && scannedTo < text.length() && Chars.isAlnum(text.charAt(scannedTo - 1))
          && Chars.isAlnum(text.charAt(scannedTo))) {
        scannedTo++;
      }
    }
    while (firstInWindow < starts.size() && starts.get(firstInWindow) < from) {
      firstInWindow++;
    }
    return firstInWindow;
  }

  /** Whether run {@code index} exists and ends by {@code to}, scanning the text as far as needed. */
  boolean hasRun(int index, int to) {
    while (starts.size() <= index && scannedTo < Math.min(to, text.length())) {
      scanNext(to);
    }
    return index < starts.size() && ends.get(index) <= to;
  }

  int start(int index) {
    return starts.get(index);
  }

  int end(int index) {
    return ends.get(index);
  }

  String value(int index) {
    return text.substring(starts.get(index), ends.get(index));
  }

  /** Finds the next run beginning before {@code to}; a run that crosses {@code to} is read whole, once. */
  private void scanNext(int to) {
    int n = text.length();
    int i = scannedTo;
    while (i < Math.min(to, n)) {
      if (!Chars.isAlnum(text.charAt(i))) {
        i++;
        continue;
      }
      int runStart = i;
      while (i < n && Chars.isAlnum(text.charAt(i))) {
        i++;
      }
      scannedTo = i;
      int valueStart = KeyShapes.valueStart(text, runStart, i);
      if (isSecretShaped(valueStart, i)) {
        starts.add(valueStart);
        ends.add(i);
        return;
      }
    }
    scannedTo = Math.max(scannedTo, Math.min(to, n));
  }

  private boolean isSecretShaped(int start, int end) {
    int length = end - start;
    if (length < KeyShapes.SECRET_LENGTH || length > KeyShapes.STS_SECRET_MAX) {
      return false;
    }
    if (gluedToBase64(start - 1, start - 2) || gluedToBase64(end, end + 1)) {
      return false;
    }
    if (start >= 4 && text.startsWith(KeyShapes.STS, start - 4)) {
      return false;
    }
    if (text.startsWith(KeyShapes.LTAI, start) || text.startsWith(KeyShapes.TOKEN_PREFIX, start)) {
      return false;
    }
    return KeyPlausibility.isRandomLooking(text, start, end)
        && !KeyPlausibility.isDocumentationExample(text.substring(start, end));
  }

  /** A base64 symbol next to the run with more base64 beyond it: the run is a piece of a longer encoded value. */
  private boolean gluedToBase64(int next, int beyond) {
    if (next < 0 || next >= text.length()) {
      return false;
    }
    char c = text.charAt(next);
    if (c == '=') {
      // After a run, '=' is base64 padding; before one, it is an assignment.
      return beyond > next;
    }
    if (c != '+' && c != '/' || beyond < 0 || beyond >= text.length()) {
      return false;
    }
    // "+/" or "//" inside a token are base64 too: a run next to a run of base64 symbols is glued to it.
    char after = text.charAt(beyond);
    return Chars.isAlnum(after) || after == '+' || after == '/' || after == '=';
  }
}
