package io.leakguard.detector.scan;

/**
 * Maps positions in a decoded text back to the text it was decoded from. Copied stretches map one to one; a decoded
 * stretch (consecutive escapes, one base64 value) maps every position to the stretch's start, which is where a
 * person looking for the key in the original should look. One entry per stretch, not per character, so a 10 MB
 * fully escaped value costs one entry.
 */
final class OffsetMap {

  private final IntList outStarts = new IntList();
  private final IntList inStarts = new IntList();
  private final IntList copied = new IntList();
  private int lastDecodedEnd = -1;

  /** Characters from {@code inStart} on are copied to the output from {@code outStart} on. */
  void copied(int outStart, int inStart) {
    add(outStart, inStart, 1);
    lastDecodedEnd = -1;
  }

  /** The input {@code [inStart, inEnd)} was decoded to output starting at {@code outStart}. */
  void decoded(int outStart, int inStart, int inEnd) {
    if (lastDecodedEnd != inStart) {
      add(outStart, inStart, 0);
    }
    lastDecodedEnd = inEnd;
  }

  int toSource(int out) {
    int low = 0;
    int high = outStarts.size() - 1;
    if (high < 0) {
      return out;
    }
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (outStarts.get(mid) <= out) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    int offset = copied.get(low) == 1 ? Math.max(0, out - outStarts.get(low)) : 0;
    return inStarts.get(low) + offset;
  }

  private void add(int outStart, int inStart, int isCopied) {
    outStarts.add(outStart);
    inStarts.add(inStart);
    copied.add(isCopied);
  }
}
