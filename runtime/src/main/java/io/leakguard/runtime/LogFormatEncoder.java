package io.leakguard.runtime;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * The encoder of {@code logback.xml}'s one appender: the {@code pattern} as text, or {@link JsonLogEncoder} when
 * {@code format} is {@code json}. One appender whose encoder is chosen, rather than two appenders of which the root
 * logger refers to one: logback 1.5 warns about the unreferenced appender, and any warning makes it print its whole
 * status log at every start; and logback's {@code <if>} needs janino.
 */
public class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

  private String format = "text";
  private String pattern;
  private Encoder<ILoggingEvent> delegate;

  public void setFormat(String format) {
    this.format = format;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** The format in force once started. */
  public LogFormat format() {
    return delegate instanceof JsonLogEncoder ? LogFormat.JSON : LogFormat.TEXT;
  }

  /** The encoder that writes the lines. */
  public Encoder<ILoggingEvent> delegate() {
    return delegate;
  }

  @Override
  public void start() {
    LogFormat chosen;
    try {
      chosen = LogFormat.of(format);
    } catch (IllegalArgumentException e) {
      addError(e.getMessage() + "; logging text");
      chosen = LogFormat.TEXT;
    }
    if (chosen == LogFormat.JSON) {
      delegate = new JsonLogEncoder();
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setPattern(pattern);
      delegate = text;
    }
    delegate.setContext(getContext());
    delegate.start();
    super.start();
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
