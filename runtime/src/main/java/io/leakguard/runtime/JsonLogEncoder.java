package io.leakguard.runtime;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.nio.charset.StandardCharsets;

/**
 * The JSON log format ({@code LEAKGUARD_LOG_FORMAT=json}): logback's own {@link JsonEncoder}, one object per line,
 * with {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName}, {@code loggerName}, {@code markers}
 * and {@code mdc} when present, {@code kvpList} when present, {@code formattedMessage}, and {@code exception}: the
 * stack trace as one string, as the text format prints it.
 * <p>
 * Left out on purpose: the unformatted {@code message} and its {@code arguments} (the formatted message says it
 * once, and raw arguments would bypass whatever a caller redacted), the logger context and its properties, sequence
 * numbers and nanoseconds. JsonEncoder renders an exception as nested objects of stack frames; log collectors and
 * people grep a string, so this class adds it as one (the only thing JsonEncoder cannot be configured to do).
 */
public class JsonLogEncoder extends JsonEncoder {

  public static final String EXCEPTION_ATTR_NAME = "exception";

  public JsonLogEncoder() {
    setWithSequenceNumber(false);
    setWithNanoseconds(false);
    setWithContext(false);
    setWithMessage(false);
    setWithFormattedMessage(true);
    setWithArguments(false);
    setWithThrowable(false);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] line = super.encode(event);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown == null) {
      return line;
    }
    String json = new String(line, StandardCharsets.UTF_8);
    int end = json.lastIndexOf('}');
    StringBuilder out = new StringBuilder(json.length() + 2048);
    out.append(json, 0, end);
    out.append(",\"").append(EXCEPTION_ATTR_NAME).append("\":\"");
    escape(ThrowableProxyUtil.asString(thrown), out);
    out.append('"').append(json, end, json.length());
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** JSON string escaping (RFC 8259 section 7): quote, backslash and every control character. */
  static void escape(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
