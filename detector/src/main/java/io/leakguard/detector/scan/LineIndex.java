package io.leakguard.detector.scan;

/**
 * Line starts of a text, found lazily and only forward (with the vectorized {@code String.indexOf('\n')}), so that
 * every question about lines costs, over a whole scan, one pass at most: a 10 MB single line is walked once, not
 * once per key on it.
 */
final class LineIndex {

  private final String text;
  private int[] starts = new int[64];
  private int count = 1;
  private boolean complete;

  LineIndex(String text) {
    this.text = text;
  }

  /** 0-based line of a position. */
  int lineOf(int position) {
    while (!complete && starts[count - 1] <= position) {
      extend();
    }
    int low = 0;
    int high = count - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (starts[mid] <= position) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

  /** Start of a 0-based line, clamped to the first line. */
  int lineStart(int line) {
    return starts[Math.max(0, Math.min(line, count - 1))];
  }

  /** End (exclusive, before its newline) of a 0-based line, or the end of the text past the last line. */
  int lineEnd(int line) {
    while (!complete && count <= line + 1) {
      extend();
    }
    return line + 1 < count ? starts[line + 1] - 1 : text.length();
  }

  private void extend() {
    int newline = text.indexOf('\n', starts[count - 1]);
    if (newline < 0) {
      complete = true;
      return;
    }
    if (count == starts.length) {
      starts = java.util.Arrays.copyOf(starts, count * 2);
    }
    starts[count++] = newline + 1;
  }
}
