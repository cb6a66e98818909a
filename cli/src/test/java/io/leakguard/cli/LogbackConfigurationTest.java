package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.runtime.JsonLogEncoder;
import io.leakguard.runtime.LogFormatEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped {@code logback.xml}: {@code LEAKGUARD_LOG_FORMAT=json} logs one parseable JSON object per line. */
class LogbackConfigurationTest {

  private static LoggerContext configured(String format) throws JoranException {
    LoggerContext context = new LoggerContext();
    // A context property is looked up before system properties and the environment, like the variable would be.
    context.putProperty("LEAKGUARD_LOG_FORMAT", format);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(Main.class.getResource("/logback.xml"));
    return context;
  }

  @Test
  void shouldRenderAnEventAsOneJsonLineWithTheIncidentMdcWhenTheFormatIsJson() throws Exception {
    // Given the shipped configuration with the json format
    LoggerContext context = configured("json");
    Encoder<ILoggingEvent> encoder = encoder(context);
    assertTrue(encoder instanceof JsonLogEncoder, encoder.getClass().getName());

    // When an event about an incident, with an exception, is encoded
    Logger logger = context.getLogger("io.leakguard.remediator.RemediationProcessor");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN,
        "incident {} \"quoted\"\tdisabled", new IllegalStateException("throttled\nretry later"), new Object[] {"inc-1"});
    event.setThreadName("remediator-StreamThread-1");
    event.setMDCPropertyMap(Map.of(IncidentMdc.INCIDENT, "inc-1", IncidentMdc.KEY, "LTAI************WXYZ"));
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    // Then it is one line of JSON with the documented fields
    assertTrue(line.endsWith("\n"), line);
    assertFalse(line.substring(0, line.length() - 1).contains("\n"), line);
    JsonNode json = new ObjectMapper().readTree(line);
    assertEquals(event.getTimeStamp(), json.get("timestamp").asLong());
    assertEquals("WARN", json.get("level").asText());
    assertEquals("io.leakguard.remediator.RemediationProcessor", json.get("loggerName").asText());
    assertEquals("remediator-StreamThread-1", json.get("threadName").asText());
    assertEquals("incident inc-1 \"quoted\"\tdisabled", json.get("formattedMessage").asText());
    assertEquals("inc-1", json.get("mdc").get("incident").asText());
    assertEquals("LTAI************WXYZ", json.get("mdc").get("key").asText());
    String exception = json.get("exception").asText();
    assertTrue(exception.startsWith("java.lang.IllegalStateException: throttled\nretry later"), exception);
    assertTrue(exception.contains("at io.leakguard.cli.LogbackConfigurationTest"), exception);
    assertFalse(json.has("arguments"), "raw arguments are left out");
    assertFalse(json.has("throwable"), "the exception is a string, not JsonEncoder's nested frames");
    context.stop();
  }

  @Test
  void shouldLogTextWhenTheFormatIsText() throws Exception {
    LoggerContext context = configured("text");
    Encoder<ILoggingEvent> encoder = encoder(context);
    assertTrue(encoder instanceof PatternLayoutEncoder, encoder.getClass().getName());
    assertTrue(context.getStatusManager().getCopyOfStatusList().stream().allMatch(s -> s.getLevel() == Status.INFO),
        "no warning, so logback prints no status log at start");
    context.stop();
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) root.getAppender("STDOUT");
    assertNotNull(appender);
    return ((LogFormatEncoder) appender.getEncoder()).delegate();
  }
}
