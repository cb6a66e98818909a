package io.leakguard.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class IncidentMdcTest {

  @Test
  void shouldSetMaskedKeyAndRestoreTheOuterScopeOnClose() {
    try (IncidentMdc outer = IncidentMdc.open("inc-1", "LTAI5tAbCdEfGhIjKlMnWXYZ")) {
      assertEquals("inc-1", MDC.get(IncidentMdc.INCIDENT));
      assertEquals("LTAI****************WXYZ", MDC.get(IncidentMdc.KEY), "an unmasked ID is masked");
      try (IncidentMdc inner = IncidentMdc.open("inc-2", "LTAI****************ABCD")) {
        assertEquals("inc-2", MDC.get(IncidentMdc.INCIDENT));
        assertEquals("LTAI****************ABCD", MDC.get(IncidentMdc.KEY), "a masked ID stays as it is");
      }
      assertEquals("inc-1", MDC.get(IncidentMdc.INCIDENT));
      assertEquals("LTAI****************WXYZ", MDC.get(IncidentMdc.KEY));
    }
    assertNull(MDC.get(IncidentMdc.INCIDENT));
    assertNull(MDC.get(IncidentMdc.KEY));
  }

  @Test
  void shouldChooseTheLogFormatFromThePropertyThenTheEnvironment() {
    Properties none = new Properties();
    assertEquals(LogFormat.TEXT, LogFormat.of(none, Map.of()));
    assertEquals(LogFormat.JSON, LogFormat.of(none, Map.of(LogFormat.VARIABLE, "json")));
    Properties text = new Properties();
    text.setProperty(LogFormat.VARIABLE, "text");
    assertEquals(LogFormat.TEXT, LogFormat.of(text, Map.of(LogFormat.VARIABLE, "json")));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> LogFormat.of(none, Map.of(LogFormat.VARIABLE, "JSON ")));
    assertEquals("LEAKGUARD_LOG_FORMAT: expected text or json, got 'JSON '", bad.getMessage());
  }
}
