package io.leakguard.detector.scan;

/**
 * STS security tokens ({@code CAIS} + base64) of a text, found lazily, within pairing windows and forward only. A
 * token in a JSON string or a URL has its {@code /}, {@code +} and {@code =} escaped ({@code \/}, {@code %2F}…):
 * they are decoded while reading, so the token comes out as STS issued it.
 */
final class SecurityTokens {

  private final String text;
  private final IntList starts = new IntList();
  private final IntList ends = new IntList();
  private final java.util.List<String> values = new java.util.ArrayList<>();
  private int searchFrom;
  private int firstInWindow;

  SecurityTokens(String text) {
    this.text = text;
  }

  /**
   * The token whose start is nearest to {@code near} within {@code [from, to)}, or null. Windows must be asked for
   * with non-decreasing {@code from}: the search only moves forward and never reads text between windows.
   */
  String nearest(int from, int to, int near) {
    searchFrom = Math.max(searchFrom, from);
    int last = Math.min(to, text.length()) - KeyShapes.TOKEN_PREFIX.length();
    while (searchFrom <= last) {
      // A bounded loop rather than indexOf, which would read on to the end of the text when no token follows.
      if (text.charAt(searchFrom) == 'C' && text.startsWith(KeyShapes.TOKEN_PREFIX, searchFrom)) {
        readToken(searchFrom);
      } else {
        searchFrom++;
      }
    }
    while (firstInWindow < starts.size() && starts.get(firstInWindow) < from) {
      firstInWindow++;
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    // A token is at least 80 characters long, so a window holds a bounded number of them.
    for (int i = firstInWindow; i < starts.size() && starts.get(i) < to; i++) {
      int start = starts.get(i);
      if (ends.get(i) <= to && Math.abs(start - near) < bestDistance) {
        bestDistance = Math.abs(start - near);
        best = values.get(i);
      }
    }
    return best;
  }

  /** Reads the run starting with {@code CAIS} at {@code at} and keeps it if it is a token. */
  private void readToken(int at) {
    // '=' before the token is an assignment, not padding: only an alphanumeric, '+' or '/' would bury it.
    char before = at == 0 ? ' ' : text.charAt(at - 1);
    boolean buried = Chars.isAlnum(before) || before == '+' || before == '/';
    boolean boundary = !buried || KeyShapes.escapeEndsAt(text, at);
    StringBuilder token = new StringBuilder();
    int i = at;
    while (i < text.length()) {
      char c = text.charAt(i);
      char decoded;
      if (Chars.isTokenChar(c)) {
        decoded = c;
        i++;
      } else if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '/') {
        decoded = '/';
        i += 2;
      } else if (c == '%' && isEscapedTokenSymbol(Chars.hexPair(text, i + 1))) {
        decoded = (char) Chars.hexPair(text, i + 1);
        i += 3;
      } else {
        break;
      }
      // Past the maximum the run is no token, but it is still read to its end (below).
      if (token.length() <= KeyShapes.TOKEN_MAX) {
        token.append(decoded);
      }
    }
    // Continue after the whole run: a long base64 blob holding "CAIS" many times is read once.
    searchFrom = i;
    if (boundary && token.length() >= KeyShapes.TOKEN_MIN && token.length() <= KeyShapes.TOKEN_MAX) {
      starts.add(at);
      ends.add(i);
      values.add(token.toString());
    }
  }

  private static boolean isEscapedTokenSymbol(int value) {
    return value == '+' || value == '/' || value == '=';
  }
}
