package io.leakguard.notifier.channel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown to Slack's {@code mrkdwn}, per https://api.slack.com/reference/surfaces/formatting: {@code &}, {@code <} and
 * {@code >} escaped as HTML entities, bold {@code *x*} (markdown's {@code **x**} or {@code __x__}), italic {@code _x_}
 * (markdown's {@code *x*}), links {@code <url|text>}; mrkdwn has no headings (a heading becomes a bold line) and no
 * lists (a bullet becomes {@code •}). Code spans are the same in both.
 */
final class SlackMrkdwn {

  /** A link (groups 1 and 2) or a code span (group 3), both kept apart from emphasis. */
  private static final Pattern LINK_OR_CODE =
      Pattern.compile("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)|(`[^`]+`)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*#*\\s*$");
  private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+");
  private static final Pattern BOLD = Pattern.compile("\\*\\*(.+?)\\*\\*|__(.+?)__");
  private static final Pattern ITALIC = Pattern.compile("(?<![*\\w])\\*(?!\\s)(.+?)(?<!\\s)\\*(?![*\\w])");
  /** Stands for a bold asterisk while italics are converted, so that the two are not confused. */
  private static final char BOLD_MARK = '\u0001';

  private SlackMrkdwn() {}

  static String convert(String markdown) {
    StringBuilder out = new StringBuilder();
    String[] lines = markdown.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(line(lines[i]));
    }
    return out.toString();
  }

  private static String line(String line) {
    Matcher heading = HEADING.matcher(line);
    if (heading.matches()) {
      // The whole line is bold; bold inside it would only close and reopen it.
      return "*" + inline(heading.group(1)).replace(String.valueOf(BOLD_MARK), "") + "*";
    }
    String prefix = "";
    Matcher bullet = BULLET.matcher(line);
    if (bullet.find()) {
      prefix = bullet.group(1) + "• ";
      line = line.substring(bullet.end());
    }
    return (prefix + inline(line)).replace(BOLD_MARK, '*');
  }

  /**
   * One line's text: links kept apart so that their URLs are neither escaped nor reformatted, code spans so that
   * masked keys ({@code LTAI****wxyz}) are not read as emphasis.
   */
  private static String inline(String text) {
    StringBuilder out = new StringBuilder();
    Matcher link = LINK_OR_CODE.matcher(text);
    int last = 0;
    while (link.find()) {
      out.append(emphasis(escape(text.substring(last, link.start()))));
      if (link.group(3) != null) {
        out.append(escape(link.group(3)));
      } else {
        String url = link.group(2).replace("|", "%7C").replace(">", "%3E").replace("<", "%3C");
        out.append('<').append(url).append('|').append(emphasis(escape(link.group(1)))).append('>');
      }
      last = link.end();
    }
    out.append(emphasis(escape(text.substring(last))));
    return out.toString();
  }

  private static String emphasis(String text) {
    Matcher bold = BOLD.matcher(text);
    StringBuilder marked = new StringBuilder();
    while (bold.find()) {
      String inner = bold.group(1) != null ? bold.group(1) : bold.group(2);
      bold.appendReplacement(marked, Matcher.quoteReplacement(BOLD_MARK + inner + BOLD_MARK));
    }
    bold.appendTail(marked);
    return ITALIC.matcher(marked).replaceAll("_$1_");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
