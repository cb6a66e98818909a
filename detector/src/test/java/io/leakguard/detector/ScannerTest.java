package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.schemas.KeyForms;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScannerTest {

  private final Scanner scanner = new Scanner();

  @Test
  void shouldPairAnIdWithTheSecretOnTheSameLine() {
    String id = TestKeys.accessKeyId();
    String secret = TestKeys.secret();

    List<Finding> findings = scanner.scan("export KEY=" + id + " SECRET=" + secret + "\n");

    assertEquals(1, findings.size());
    assertEquals(id, findings.get(0).accessKeyId());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
    assertEquals(1, findings.get(0).line());
    assertEquals(12, findings.get(0).column());
  }

  @Test
  void shouldPairAnIdWithASecretAFewLinesAway() {
    String id = TestKeys.accessKeyId();
    String secret = TestKeys.secret();

    List<Finding> findings = scanner.scan("[default]\naccess_key_id = " + id + "\nregion = cn-hangzhou\naccess_key_secret = " + secret);

    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
    assertEquals(2, findings.get(0).line());
  }

  @Test
  void shouldReportAnIdWithoutSecretAsUnpaired() {
    List<Finding> findings = scanner.scan("key " + TestKeys.accessKeyId() + "\n\n\n\n\n" + TestKeys.secret());

    assertEquals(1, findings.size());
    assertFalse(findings.get(0).secretFound());
    assertNull(findings.get(0).secretFingerprint());
  }

  @Test
  void shouldIgnoreAnIdBuriedInALongerToken() {
    assertTrue(scanner.scan("xLTAI" + TestKeys.random(20) + " " + TestKeys.secret()).isEmpty());
    assertTrue(scanner.scan("LTAI" + TestKeys.random(40) + " " + TestKeys.secret()).isEmpty());
  }

  @Test
  void shouldFindNothingInContentWithoutAKey() {
    assertTrue(scanner.scan("an ordinary log line with " + TestKeys.secret()).isEmpty());
  }
}
