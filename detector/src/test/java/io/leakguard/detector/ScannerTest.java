package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.runtime.SyntheticKeys;
import io.leakguard.schemas.KeyForms;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScannerTest {

  private final Scanner scanner = new Scanner();

  @Test
  void shouldPairAnIdWithTheSecretOnTheSameLine() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();

    List<Finding> findings = scanner.scan("export KEY=" + id + " SECRET=" + secret + "\n");

    assertEquals(1, findings.size());
    assertEquals(id, findings.get(0).accessKeyId());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
    assertEquals(1, findings.get(0).line());
    assertEquals(12, findings.get(0).column());
  }

  @Test
  void shouldPairAnIdWithASecretAFewLinesAway() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();

    List<Finding> findings = scanner.scan("[default]\naccess_key_id = " + id + "\nregion = cn-hangzhou\naccess_key_secret = " + secret);

    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
    assertEquals(2, findings.get(0).line());
  }

  @Test
  void shouldReportAnIdWithoutSecretAsUnpaired() {
    List<Finding> findings = scanner.scan("key " + SyntheticKeys.accessKeyId() + "\n\n\n\n\n" + SyntheticKeys.secret());

    assertEquals(1, findings.size());
    assertFalse(findings.get(0).secretFound());
    assertNull(findings.get(0).secretFingerprint());
  }

  @Test
  void shouldIgnoreAnIdBuriedInALongerToken() {
    assertTrue(scanner.scan("xLTAI" + SyntheticKeys.random(20) + " " + SyntheticKeys.secret()).isEmpty());
    assertTrue(scanner.scan("LTAI" + SyntheticKeys.random(40) + " " + SyntheticKeys.secret()).isEmpty());
  }

  @Test
  void shouldFindNothingInContentWithoutAKey() {
    assertTrue(scanner.scan("an ordinary log line with " + SyntheticKeys.secret()).isEmpty());
  }
}
