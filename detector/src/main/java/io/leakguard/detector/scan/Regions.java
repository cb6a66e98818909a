package io.leakguard.detector.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * The regions to decode around trigger positions: each trigger's pairing window ({@value ContentScan#PAIRING_LINES}
 * lines each side, more for a concatenation, at most {@value ContentScan#WINDOW_CHARS} characters each side),
 * widened to whole whitespace-separated tokens so an encoded value is never cut, and merged when they touch.
 * Triggers come sorted and every boundary search starts where the previous region ended, so building the regions is
 * linear too.
 */
final class Regions {

  private Regions() {}

  /** The regions around {@code sortedTriggers}, {@code lineSpan} lines each side of each. */
  static List<int[]> around(String text, LineIndex lines, IntList sortedTriggers, int lineSpan) {
    List<int[]> regions = new ArrayList<>();
    int start = -1;
    int end = -1;
    for (int k = 0; k < sortedTriggers.size(); k++) {
      int at = sortedTriggers.get(k);
      if (at < end && at + ContentScan.WINDOW_CHARS < end) {
        continue;
      }
      int line = lines.lineOf(at);
      int windowStart = Math.max(lines.lineStart(line - lineSpan), at - ContentScan.WINDOW_CHARS);
      int windowEnd = Math.max(at + 1,
          Math.min(lines.lineEnd(line + lineSpan), at + ContentScan.WINDOW_CHARS));
      if (start >= 0 && windowStart <= end) {
        if (windowEnd > end) {
          end = tokenEnd(text, windowEnd);
        }
        continue;
      }
      if (start >= 0) {
        regions.add(new int[] {start, end});
      }
      start = wrappedStart(text, tokenStart(text, windowStart, Math.max(end, 0)), Math.max(end, 0));
      end = tokenEnd(text, windowEnd);
    }
    if (start >= 0) {
      regions.add(new int[] {start, end});
    }
    return regions;
  }

  /**
   * The start of a block of wrapped base64 that {@code at} falls inside, so that it is decoded from its first line
   * (decoding from the middle would shift the bits); {@code at} itself otherwise. Never before {@code floor}.
   */
  private static int wrappedStart(String text, int at, int floor) {
    int lineStart = at;
    while (lineStart > floor && text.charAt(lineStart - 1) != '\n') {
      lineStart--;
    }
    int start = at;
    while (lineStart > floor) {
      int previousEnd = lineStart - 1; // the '\n' ending the previous line
      int contentEnd = previousEnd > 0 && text.charAt(previousEnd - 1) == '\r' ? previousEnd - 1 : previousEnd;
      int previousStart = previousEnd;
      while (previousStart > floor && text.charAt(previousStart - 1) != '\n') {
        previousStart--;
      }
      int content = previousStart;
      while (content < contentEnd && (text.charAt(content) == ' ' || text.charAt(content) == '\t')) {
        content++;
      }
      int length = contentEnd - content;
      if (length < Decoder.MIN_WRAPPED_LINE || length % 4 != 0 || Decoder.continuationLine(text, contentEnd) < 0) {
        break;
      }
      for (int i = content; i < contentEnd; i++) {
        if (!Chars.isBase64(text.charAt(i))) {
          return start;
        }
      }
      start = content;
      lineStart = previousStart;
    }
    return start;
  }

  private static int tokenStart(String text, int at, int floor) {
    while (at > floor && !Chars.isWhitespace(text.charAt(at - 1))) {
      at--;
    }
    return at;
  }

  private static int tokenEnd(String text, int at) {
    while (at < text.length() && !Chars.isWhitespace(text.charAt(at))) {
      at++;
    }
    return at;
  }
}
