package io.leakguard.detector.scan;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reassembles values that code builds out of string literals, so that an AccessKey ID split to dodge scanners is
 * scanned whole: the region is copied with each join of literals replaced by the one literal it builds, positions
 * mapped back to the first fragment (which is where the finding is reported).
 *
 * <p>The joins, as the languages write them (literals in double, single or back quotes, on one line or continued on
 * the next two):
 * <ul>
 *   <li>{@code "a" + "b"}: Java, C#, JavaScript, TypeScript, Go, Python, Kotlin, Scala, Swift;</li>
 *   <li>{@code "a" "b"}: Python, C and C++ implicit adjacency, and shell's {@code "a""b"};</li>
 *   <li>{@code "a" . "b"}: PHP and Perl; {@code "a" .. "b"}: Lua; {@code "a" & "b"}: Visual Basic;
 *       {@code "a" || "b"}: SQL;</li>
 *   <li>{@code "".join(["a", "b"])}, {@code String.join("", "a", "b")}, {@code string.Concat("a", "b")},
 *       {@code implode("", ["a", "b"])}, {@code ["a", "b"].join("")}: a comma joins only where a join call says so;</li>
 *   <li>{@code new StringBuilder("a").append("b")}, {@code "a".concat("b")};</li>
 *   <li>shell: {@code A="a"; B="b"; KEY="${A}${B}"} (or {@code $A$B}), with the variables assigned in the region;</li>
 *   <li>code's variables, each assigned one literal in the region: {@code a + b}, PHP's {@code $a . $b}, Lua's
 *       {@code a .. b}, a template literal's {@code `${a}${b}`} or {@code `${"a"}${"b"}`}, Python's
 *       {@code f"{a}{b}"}.</li>
 * </ul>
 *
 * <p>Bounded work: a literal is read up to the end of its line and at most {@value #MAX_LITERAL} characters, a join
 * takes at most {@value #MAX_FRAGMENTS} fragments, and the region itself is the small window around a trigger.
 */
final class Concatenations {

  static final int MAX_FRAGMENTS = 16;
  static final int MAX_LITERAL = 256;
  private static final int MAX_BREAKS = 2;
  private static final int JOIN_LOOKBACK = 48;
  private static final String[] JOIN_CALLS = {"join(", "concat(", "implode(", "join ("};
  private static final String[] CALL_OPERATORS = {").append(", ".append(", ").concat(", ".concat("};
  private static final String[] SHELL_KEYWORDS = {"export ", "local ", "readonly ", "declare "};

  private final String text;
  private final int from;
  private final int to;
  private final StringBuilder out = new StringBuilder();
  private final OffsetMap map = new OffsetMap();
  /** A shell variable's value and where it is written: a value joined from variables is reported at the first. */
  private record Assigned(String value, int at) {}

  /** Read on the first {@code $}: most regions have none. */
  private Map<String, Assigned> shellVariables;
  private int copyFrom;
  private boolean changed;

  private Concatenations(String text, int from, int to) {
    this.text = text;
    this.from = from;
    this.to = to;
    this.copyFrom = from;
  }

  /** {@code text[from, to)} with its joins of literals reassembled, or null when it holds none. */
  static Decoder.Decoded rewrite(String text, int from, int to) {
    return new Concatenations(text, from, to).run();
  }

  private Decoder.Decoded run() {
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      if (Prefilter.isQuote(c)) {
        i = literalJoin(i);
      } else if (c == '$' && !(i + 1 < to && Character.isJavaIdentifierStart(text.charAt(i + 1))
          && text.charAt(i + 1) != '$' && isCodeJoin(i + 1))) {
        // A shell reference; PHP's $a . $b is a join of code's variables instead, read from the name on.
        i = shellJoin(i, false);
      } else if (isNameChar(c) && (i == from || !isNameChar(text.charAt(i - 1)) && text.charAt(i - 1) != '.')) {
        i = codeJoin(i);
      } else {
        i++;
      }
    }
    if (!changed) {
      return null;
    }
    copyTo(to);
    String result = out.toString();
    return new Decoder.Decoded(result, map::toSource);
  }

  /** At an opening quote: rewrites the join it starts, if any. Returns where to go on. */
  private int literalJoin(int open) {
    int close = closingQuote(open);
    if (close < 0) {
      return open + 1;
    }
    boolean commas = inJoinCall(open);
    StringBuilder joined = new StringBuilder(text.substring(open + 1, close));
    int fragments = 1;
    int end = close + 1;
    while (fragments < MAX_FRAGMENTS) {
      int next = nextFragment(end, commas);
      int nextClose = next < 0 ? -1 : closingQuote(next);
      if (nextClose < 0) {
        break;
      }
      joined.append(text, next + 1, nextClose);
      fragments++;
      end = nextClose + 1;
    }
    if (fragments < 2) {
      // One literal: its inside may still hold shell references ("${A}${B}").
      int i = open + 1;
      boolean fString = open > from && (text.charAt(open - 1) | 0x20) == 'f'
          && (open - 1 == from || !isNameChar(text.charAt(open - 2)));
      while (i < close) {
        char c = text.charAt(i);
        i = c == '$' ? shellJoin(i, false) : c == '{' && fString ? shellJoin(i, true) : i + 1;
      }
      return close + 1;
    }
    // The joined value keeps the first quote; its characters map to the first fragment's, where it is reported.
    replace(open + 1, end, open + 1, joined.toString() + text.charAt(open));
    return end;
  }

  /** The closing quote of the literal opened at {@code open}, on its line, or -1. */
  private int closingQuote(int open) {
    char quote = text.charAt(open);
    int limit = Math.min(to, open + 1 + MAX_LITERAL);
    for (int i = open + 1; i < limit; i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote) {
        return i;
      } else if (c == '\n') {
        return -1;
      }
    }
    return -1;
  }

  /** The opening quote of the literal joined to one ending before {@code at}, or -1 when none is. */
  private int nextFragment(int at, boolean commas) {
    int i = skipSpace(at);
    if (i >= to) {
      return -1;
    }
    int operatorEnd = operator(i, commas);
    if (operatorEnd > i) {
      i = skipSpace(operatorEnd);
    }
    return i < to && Prefilter.isQuote(text.charAt(i)) ? i : -1;
  }

  /** The end of a join operator at {@code at}, or {@code at} when there is none (adjacent literals). */
  private int operator(int at, boolean commas) {
    for (String call : CALL_OPERATORS) {
      if (text.startsWith(call, at)) {
        return at + call.length();
      }
    }
    if (text.startsWith("||", at) || text.startsWith("..", at)) {
      return at + 2;
    }
    char c = text.charAt(at);
    if (c == '+' || c == '.' || c == '&' || (c == ',' && commas)) {
      return at + 1;
    }
    return at;
  }

  /** Skips blanks, at most {@value #MAX_BREAKS} line breaks and shell or Python line continuations. */
  private int skipSpace(int at) {
    int breaks = 0;
    int i = at;
    while (i < to) {
      char c = text.charAt(i);
      if (c == '\n') {
        if (++breaks > MAX_BREAKS) {
          return to;
        }
      } else if (c != ' ' && c != '\t' && c != '\r' && !(c == '\\' && i + 1 < to && text.charAt(i + 1) == '\n')) {
        return i;
      }
      i++;
    }
    return i;
  }

  /** Whether a join call ({@code join(}, {@code concat(}, {@code implode(}) opens shortly before, or follows. */
  private boolean inJoinCall(int open) {
    int start = Math.max(from, open - JOIN_LOOKBACK);
    String before = text.substring(start, open).toLowerCase(Locale.ROOT);
    for (String call : JOIN_CALLS) {
      if (before.contains(call)) {
        return true;
      }
    }
    // ["a", "b"].join(""): the call comes after the list.
    int list = open - 1;
    while (list >= start && text.charAt(list) != '[') {
      list--;
    }
    if (list >= start) {
      int closeList = Chars.indexOf(text, ']', open, to);
      return closeList > 0 && closeList < to && text.startsWith(".join(", closeList + 1);
    }
    return false;
  }

  /**
   * At a {@code $}: rewrites {@code ${A}${B}} or {@code $A$B} to the assigned values joined, if all are known; in a
   * Python f-string ({@code fString}), {@code {a}{b}} at a <code>{</code>.
   */
  private int shellJoin(int dollar, boolean fString) {
    StringBuilder joined = new StringBuilder();
    int references = 0;
    int firstAt = dollar;
    int i = dollar;
    while (i < to && text.charAt(i) == (fString ? '{' : '$')) {
      int nameStart = fString ? i : i + 1;
      boolean braced = nameStart < to && text.charAt(nameStart) == '{';
      if (braced) {
        nameStart++;
      }
      if (braced && nameStart < to && Prefilter.isQuote(text.charAt(nameStart))) {
        // A template literal's ${"…"}: JavaScript and TypeScript.
        int close = Chars.indexOf(text, text.charAt(nameStart), nameStart + 1, to);
        if (close < 0 || close + 1 >= to || close - nameStart > MAX_LITERAL || text.charAt(close + 1) != '}') {
          break;
        }
        firstAt = references == 0 ? nameStart + 1 : firstAt;
        joined.append(text, nameStart + 1, close);
        references++;
        i = close + 2;
        continue;
      }
      int nameEnd = nameStart;
      while (nameEnd < to && isNameChar(text.charAt(nameEnd))) {
        nameEnd++;
      }
      if (nameEnd == nameStart || (braced && (nameEnd >= to || text.charAt(nameEnd) != '}'))) {
        break;
      }
      Assigned assigned = variables().get(text.substring(nameStart, nameEnd));
      if (assigned == null) {
        return nameEnd;
      }
      firstAt = references == 0 ? assigned.at() : firstAt;
      joined.append(assigned.value());
      references++;
      i = braced ? nameEnd + 1 : nameEnd;
    }
    if (references < 2) {
      return Math.max(i, dollar + 1);
    }
    replace(dollar, i, firstAt, joined.toString());
    return i;
  }

  /**
   * At a name: rewrites {@code a + b} (or PHP's {@code $a . $b}, Lua's {@code a .. b}) to the joined values of the
   * variables, when every one was assigned a literal in the region ({@code a = "LTAI5t…"}, {@code $a = '…';},
   * {@code a := "…"}). Returns where to go on.
   */
  private int codeJoin(int at) {
    StringBuilder joined = new StringBuilder();
    int names = 0;
    int firstAt = at;
    int i = at;
    int end = at;
    while (names < MAX_FRAGMENTS) {
      int nameStart = i < to && text.charAt(i) == '$' ? i + 1 : i;
      int nameEnd = nameStart;
      while (nameEnd < to && isNameChar(text.charAt(nameEnd))) {
        nameEnd++;
      }
      Assigned assigned = nameEnd == nameStart ? null : variables().get(text.substring(nameStart, nameEnd));
      if (assigned == null) {
        break;
      }
      firstAt = names == 0 ? assigned.at() : firstAt;
      joined.append(assigned.value());
      names++;
      end = nameEnd;
      int operatorAt = skipSpace(nameEnd);
      int operatorEnd = operatorAt < to ? joinOperator(operatorAt) : operatorAt;
      if (operatorEnd == operatorAt) {
        break;
      }
      i = skipSpace(operatorEnd);
    }
    if (names < 2) {
      int nameEnd = at;
      while (nameEnd < to && isNameChar(text.charAt(nameEnd))) {
        nameEnd++;
      }
      return Math.max(nameEnd, at + 1);
    }
    // Quoted, so that the joined ID has a boundary on each side.
    replace(at, end, firstAt, '"' + joined.toString() + '"');
    return end;
  }

  /** Whether a join of variables starts at the name at {@code at} (PHP's {@code $a . $b}). */
  private boolean isCodeJoin(int at) {
    int nameEnd = at;
    while (nameEnd < to && isNameChar(text.charAt(nameEnd))) {
      nameEnd++;
    }
    int operatorAt = skipSpace(nameEnd);
    return operatorAt < to && joinOperator(operatorAt) > operatorAt
        && variables().containsKey(text.substring(at, nameEnd));
  }

  /** The end of {@code +}, {@code .} or {@code ..} between two names at {@code at}, or {@code at}. */
  private int joinOperator(int at) {
    char c = text.charAt(at);
    if (c == '+' && (at + 1 >= to || text.charAt(at + 1) != '+' && text.charAt(at + 1) != '=')) {
      return at + 1;
    }
    if (c == '.') {
      return at + 1 < to && text.charAt(at + 1) == '.' ? at + 2 : at + 1;
    }
    return at;
  }

  /** The variables assigned a value in the region: shell assignments, then code's assignments of one literal. */
  private Map<String, Assigned> variables() {
    if (shellVariables == null) {
      shellVariables = shellAssignments(text, from, to);
      codeAssignments(text, from, to, shellVariables);
    }
    return shellVariables;
  }

  /**
   * {@code name = "literal"} with a statement's end after it ({@code ;}, {@code ,}, {@code )} or the line's end):
   * Java, C#, JavaScript, Python, Go ({@code :=}), PHP ({@code $name}), Ruby, Lua, Kotlin. Declarations before the
   * name ({@code final String}, {@code const}) do not matter: the name is the word before the {@code =}.
   */
  private static void codeAssignments(String text, int from, int to, Map<String, Assigned> variables) {
    for (int eq = Chars.indexOf(text, '=', from, to); eq >= 0; eq = Chars.indexOf(text, '=', eq + 1, to)) {
      if (eq + 1 < to && (text.charAt(eq + 1) == '=' || text.charAt(eq + 1) == '>')
          || eq > from && "=!<>+-*/".indexOf(text.charAt(eq - 1)) >= 0) {
        continue;
      }
      int nameEnd = eq;
      if (nameEnd > from && text.charAt(nameEnd - 1) == ':') {
        nameEnd--;
      }
      while (nameEnd > from && (text.charAt(nameEnd - 1) == ' ' || text.charAt(nameEnd - 1) == '\t')) {
        nameEnd--;
      }
      int nameStart = nameEnd;
      while (nameStart > from && isNameChar(text.charAt(nameStart - 1))) {
        nameStart--;
      }
      int open = eq + 1;
      while (open < to && (text.charAt(open) == ' ' || text.charAt(open) == '\t')) {
        open++;
      }
      if (nameStart == nameEnd || open >= to || !Prefilter.isQuote(text.charAt(open))) {
        continue;
      }
      int lineEnd = Chars.indexOf(text, '\n', open, to);
      lineEnd = lineEnd < 0 ? to : lineEnd;
      int close = Chars.indexOf(text, text.charAt(open), open + 1, lineEnd);
      if (close < 0 || close - open > MAX_LITERAL) {
        continue;
      }
      int after = close + 1;
      while (after < lineEnd && Chars.isWhitespace(text.charAt(after))) {
        after++;
      }
      if (after == lineEnd || ";,)".indexOf(text.charAt(after)) >= 0) {
        variables.putIfAbsent(text.substring(nameStart, nameEnd),
            new Assigned(text.substring(open + 1, close), open + 1));
      }
    }
  }

  private static boolean isNameChar(char c) {
    return Chars.isAlnum(c) || c == '_';
  }

  /**
   * {@code NAME="value"}, {@code NAME='value'}, {@code NAME=value}, {@code export NAME=…}: line by line, and statement
   * by statement on a line ({@code A=a; B=b; export KEY=$A$B}).
   */
  private static Map<String, Assigned> shellAssignments(String text, int from, int to) {
    Map<String, Assigned> variables = new HashMap<>();
    int line = from;
    while (line < to) {
      int lineEnd = Chars.indexOf(text, '\n', line, to);
      if (lineEnd < 0) {
        lineEnd = to;
      }
      int statement = line;
      while (statement < lineEnd) {
        statement = shellStatement(text, statement, lineEnd, variables);
      }
      line = lineEnd + 1;
    }
    return variables;
  }

  /** Reads one statement from {@code i}, recording its assignment if it is one; returns where the next starts. */
  private static int shellStatement(String text, int i, int lineEnd, Map<String, Assigned> variables) {
    while (i < lineEnd && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
      i++;
    }
    for (String keyword : SHELL_KEYWORDS) {
      if (text.startsWith(keyword, i)) {
        i += keyword.length();
      }
    }
    int nameEnd = i;
    while (nameEnd < lineEnd && isNameChar(text.charAt(nameEnd))) {
      nameEnd++;
    }
    if (nameEnd > i && nameEnd < lineEnd && text.charAt(nameEnd) == '=') {
      int valueStart = nameEnd + 1;
      int valueEnd;
      int after;
      if (valueStart < lineEnd && Prefilter.isQuote(text.charAt(valueStart))) {
        valueEnd = Chars.indexOf(text, text.charAt(valueStart), valueStart + 1, lineEnd);
        valueStart++;
        if (valueEnd < 0) {
          return lineEnd;
        }
        after = valueEnd + 1;
      } else {
        valueEnd = valueStart;
        while (valueEnd < lineEnd && !Chars.isWhitespace(text.charAt(valueEnd)) && text.charAt(valueEnd) != ';') {
          valueEnd++;
        }
        after = valueEnd;
      }
      if (valueEnd - valueStart <= MAX_LITERAL) {
        variables.put(text.substring(i, nameEnd), new Assigned(text.substring(valueStart, valueEnd), valueStart));
      }
      i = after;
    }
    int next = Chars.indexOf(text, ';', i, lineEnd);
    return next < 0 ? lineEnd : next + 1;
  }

  /** Copies the text up to {@code start}, then {@code replacement} for {@code [start, end)}, mapped to {@code at}. */
  private void replace(int start, int end, int at, String replacement) {
    copyTo(start);
    map.decoded(out.length(), at, end);
    out.append(replacement);
    copyFrom = end;
    changed = true;
  }

  private void copyTo(int position) {
    if (copyFrom < position) {
      map.copied(out.length(), copyFrom);
      out.append(text, copyFrom, position);
      copyFrom = position;
    }
  }
}
