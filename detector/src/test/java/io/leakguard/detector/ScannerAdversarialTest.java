package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.KeyForms;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs built to make a scanner slow. Each runs under a hang guard only, never a timed assertion: the guard is
 * generous (a linear scan of these inputs takes well under a second), while quadratic behaviour on them would need
 * 10^11 steps or more, hours, so the guard tells the two apart whatever the machine's load.
 */
class ScannerAdversarialTest {

  private static final Duration HANG_GUARD = Duration.ofSeconds(60);
  private static final int TEN_MB = 10 << 20;

  private final Scanner scanner = new Scanner();

  private List<Finding> scanGuarded(String text) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> scanner.scan(text));
  }

  @Test
  void shouldScanATenMegabyteSingleLine() {
    // Given 10 MB of words without a newline, a pair at the very end
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    StringBuilder line = new StringBuilder(TEN_MB + 100);
    while (line.length() < TEN_MB) {
      line.append("status=200 path=/api/v1/orders latency_ms=12 ");
    }
    line.append("key=").append(id).append(" secret=").append(secret);

    // When
    List<Finding> findings = scanGuarded(line.toString());

    // Then
    assertEquals(1, findings.size());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
    assertEquals(1, findings.get(0).line());
  }

  @Test
  void shouldScanATenMegabyteLineDenseWithKeys() {
    // Given a 10 MB line made only of ID/secret pairs: hundreds of thousands of windows on one line
    StringBuilder line = new StringBuilder(TEN_MB + 100);
    int pairs = 0;
    while (line.length() < TEN_MB) {
      line.append(SyntheticKeys.accessKeyId()).append(' ').append(SyntheticKeys.secret()).append(' ');
      pairs++;
    }

    // When
    List<Finding> findings = scanGuarded(line.toString());

    // Then every pair is found
    assertEquals(pairs, findings.size());
    assertTrue(findings.stream().allMatch(Finding::secretFound));
  }

  @Test
  void shouldScanAMegabyteRunOfAlphanumerics() {
    // Given one 1 MB token of alphanumerics with LTAI, STS. and CAIS and base64 anchors all through it
    StringBuilder run = new StringBuilder();
    while (run.length() < (1 << 20)) {
      run.append(SyntheticKeys.random(17)).append("LTAI").append(SyntheticKeys.random(20)).append("TFRBS")
          .append("CAIS").append(SyntheticKeys.random(9));
    }

    // When / Then: nothing in it is a key (all buried)
    assertTrue(scanGuarded("x " + run + " y").isEmpty());
    assertTrue(scanGuarded(run.toString()).isEmpty());
  }

  @Test
  void shouldScanMegabytesOfPrefixesWithoutKeys() {
    // Given millions of LTAI / STS. / CAIS prefixes, none followed by a key
    String text = "LTAI STS. CAIS LTAI5t= STS.x \\u004c %4C TFRBS xUQU\n".repeat(200_000);

    assertTrue(scanGuarded(text).isEmpty());
  }

  @Test
  void shouldScanMegabytesOfStringFragmentsAndTableHeaders() {
    // Given 10 MB of literals that open like an ID's first fragment, joins of variables, and lines that look like
    // the header of a table of AccessKey IDs (a search that ran on to the end of the text from each was quadratic)
    StringBuilder text = new StringBuilder(TEN_MB + 200);
    for (int i = 0; text.length() < TEN_MB; i++) {
      text.append("x = \"LT").append(i % 1000).append("\"; y = a + b; z = \"ST\" + c\n")
          .append("AccessKeyId,Status,").append(i).append('\n');
    }
    String id = SyntheticKeys.accessKeyId();
    text.append("a = \"").append(id, 0, 10).append("\"\nb = \"").append(id.substring(10)).append("\"\nid = a + b\n");

    // When
    List<Finding> findings = scanGuarded(text.toString());

    // Then the one ID at the end is found, reassembled
    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).toList());
  }

  @Test
  void shouldScanManyIdsWithoutSecrets() {
    // Given 100,000 distinct IDs with no secret anywhere, one line
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      text.append(SyntheticKeys.accessKeyId()).append(' ');
    }

    // When
    List<Finding> findings = scanGuarded(text.toString());

    // Then each is reported once, unpaired
    assertEquals(100_000, findings.size());
    assertTrue(findings.stream().noneMatch(Finding::secretFound));
  }

  @Test
  void shouldScanMegabytesOfEscapesAndBase64() {
    // Given 8 MB of percent escapes, unicode escapes and printable base64, with one encoded pair in the middle
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String noise = TestKeys.percentEncodeAll("hello world ") + TestKeys.unicodeEscapeAll("abc") + " "
        + TestKeys.base64("just some printable words here") + " ";
    StringBuilder text = new StringBuilder();
    while (text.length() < (4 << 20)) {
      text.append(noise);
    }
    text.append(TestKeys.percentEncodeAll("k=" + id + " s=" + secret)).append(' ');
    while (text.length() < (8 << 20)) {
      text.append(noise);
    }

    // When
    List<Finding> findings = scanGuarded(text.toString());

    // Then
    assertEquals(1, findings.size());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
  }

  @Test
  void shouldScanManyStsIdsAndTokensOnOneLine() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      text.append(TestKeys.stsId()).append(' ').append(TestKeys.securityToken()).append(' ');
    }

    List<Finding> findings = scanGuarded(text.toString());

    assertEquals(5_000, findings.size());
    assertTrue(findings.stream().allMatch(f -> f.securityToken() != null));
  }
}
