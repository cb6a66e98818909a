package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The formats the scanner recognizes in plain text, and what it reports. Encodings and adversarial input: see
 *  {@link ScannerDecodingTest}, {@link ScannerPlaceholderTest} and {@link ScannerAdversarialTest}. */
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
    assertNull(findings.get(0).secret());
  }

  @Test
  void shouldIgnoreAnIdBuriedInALongerToken() {
    assertTrue(scanner.scan("xLTAI" + SyntheticKeys.random(20) + " " + SyntheticKeys.secret()).isEmpty());
    assertTrue(scanner.scan("LTAI" + SyntheticKeys.random(40) + " " + SyntheticKeys.secret()).isEmpty());
    assertTrue(scanner.scan("9LTAI" + SyntheticKeys.random(18) + " " + SyntheticKeys.secret()).isEmpty());
  }

  @Test
  void shouldFindNothingInContentWithoutAKey() {
    assertTrue(scanner.scan("an ordinary log line with " + SyntheticKeys.secret()).isEmpty());
    assertTrue(scanner.scan("").isEmpty());
  }

  @Test
  void shouldFindTheShorterIdsOfOlderKeys() {
    // Given IDs of 16 and 20 characters, as older keys have
    String sixteen = SyntheticKeys.accessKeyIdOfLength(16);
    String twenty = SyntheticKeys.accessKeyIdOfLength(20);

    // When
    List<Finding> findings = scanner.scan("a=" + sixteen + "\nb=" + twenty + "\n");

    // Then
    assertEquals(List.of(sixteen, twenty), findings.stream().map(Finding::accessKeyId).toList());
    assertTrue(findings.stream().allMatch(f -> f.kind() == CredentialKind.RAM_USER_KEY));
  }

  @Test
  void shouldNotTakeTooShortOrTooLongIdsForKeys() {
    assertTrue(scanner.scan("id " + "LTAI" + SyntheticKeys.random(11) + " " + SyntheticKeys.secret()).isEmpty());
    assertTrue(scanner.scan("id " + "LTAI" + SyntheticKeys.random(21) + " " + SyntheticKeys.secret()).isEmpty());
  }

  @Test
  void shouldGiveTheReportedSecretAndItsFingerprint() {
    // Given
    String secret = SyntheticKeys.secret();

    // When
    Finding finding = scanner.scan(SyntheticKeys.accessKeyId() + ":" + secret).get(0);

    // Then
    assertNotNull(finding.secret());
    assertTrue(finding.secret().equals(new io.leakguard.cloud.Secret(secret)), "the held secret is the one in the text");
    assertEquals(KeyForms.fingerprint(secret), finding.secretFingerprint());
    assertNull(finding.securityToken());
  }

  @Test
  void shouldPreferTheValueThatAKeyNameCallsASecret() {
    // Given a secret-shaped trace ID on the ID's line and the real secret, named, on the next
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String text = "client id=" + id + " trace=" + SyntheticKeys.random(30) + "\n"
        + "ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + secret + "\n";

    // When
    List<Finding> findings = scanner.scan(text);

    // Then
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
  }

  @Test
  void shouldPairEachIdWithItsOwnSecretInAFileOfSeveralPairs() {
    // Given two pairs, each ID written before its secret
    String firstId = SyntheticKeys.accessKeyId();
    String firstSecret = SyntheticKeys.secret();
    String secondId = SyntheticKeys.accessKeyId();
    String secondSecret = SyntheticKeys.secret();
    String text = "FIRST_ACCESS_KEY_ID=" + firstId + "\nFIRST_ACCESS_KEY_SECRET=" + firstSecret + "\n"
        + "SECOND_ACCESS_KEY_ID=" + secondId + "\nSECOND_ACCESS_KEY_SECRET=" + secondSecret + "\n";

    // When
    List<Finding> findings = scanner.scan(text);

    // Then
    assertEquals(2, findings.size());
    assertEquals(KeyForms.fingerprint(firstSecret), findings.get(0).secretFingerprint());
    assertEquals(KeyForms.fingerprint(secondSecret), findings.get(1).secretFingerprint());
  }

  @Test
  void shouldFindAnStsCredentialWithItsSecretAndSecurityToken() {
    // Given an AssumeRole answer as it would be pasted in a log
    String id = TestKeys.stsId();
    String secret = SyntheticKeys.random(40);
    String token = TestKeys.securityToken();
    String text = "{\n  \"Credentials\": {\n    \"AccessKeyId\": \"" + id + "\",\n    \"AccessKeySecret\": \"" + secret
        + "\",\n    \"SecurityToken\": \"" + token + "\",\n    \"Expiration\": \"2026-11-23T01:00:00Z\"\n  }\n}";

    // When
    List<Finding> findings = scanner.scan(text);

    // Then
    assertEquals(1, findings.size());
    Finding finding = findings.get(0);
    assertEquals(id, finding.accessKeyId());
    assertEquals(CredentialKind.STS_TOKEN, finding.kind());
    assertEquals(KeyForms.fingerprint(secret), finding.secretFingerprint());
    assertNotNull(finding.securityToken());
    assertTrue(finding.securityToken().equals(new io.leakguard.cloud.Secret(token)), "the token is read whole");
    assertEquals(3, finding.line());
  }

  @Test
  void shouldFindAnStsCredentialInEnvironmentVariables() {
    String id = TestKeys.stsId();
    String secret = SyntheticKeys.random(30);
    String token = TestKeys.securityToken();

    List<Finding> findings = scanner.scan("ALIBABA_CLOUD_ACCESS_KEY_ID=" + id + "\nALIBABA_CLOUD_ACCESS_KEY_SECRET=" + secret
        + "\nALIBABA_CLOUD_SECURITY_TOKEN=" + token + "\n");

    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
    assertTrue(findings.get(0).securityToken().equals(new io.leakguard.cloud.Secret(token)));
  }

  @Test
  void shouldNotTakeAPieceOfTheSecurityTokenForTheSecret() {
    // Given an STS ID and a token but no secret
    String text = "id: " + TestKeys.stsId() + "\ntoken: " + TestKeys.securityToken() + "\n";

    // When
    Finding finding = scanner.scan(text).get(0);

    // Then
    assertFalse(finding.secretFound());
    assertNotNull(finding.securityToken());
  }

  @Test
  void shouldNotTakeARunBeforeABase64SymbolPairForTheSecret() {
    // Given a token with a 30-character run between "//" and "+/" (a 2 % flake of the test above found it)
    String token = "CAIS" + SyntheticKeys.random(60) + "//" + SyntheticKeys.random(30) + "+/" + SyntheticKeys.random(90);
    String text = "id: " + TestKeys.stsId() + "\ntoken: " + token + "\n";

    Finding finding = scanner.scan(text).get(0);

    assertFalse(finding.secretFound());
  }

  @Test
  void shouldReportOneFindingPerIdPreferringAPairedSighting() {
    // Given the same ID alone first, then with its secret far below
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String text = "seen " + id + "\n" + "filler\n".repeat(10) + "key=" + id + "\nsecret=" + secret + "\n";

    // When
    List<Finding> findings = scanner.scan(text);

    // Then
    assertEquals(1, findings.size());
    assertTrue(findings.get(0).secretFound());
    assertEquals(12, findings.get(0).line());
  }

  @Test
  void shouldNeverShowTheSecretOrTheTokenInAFindingsText() {
    // Given
    String secret = SyntheticKeys.random(40);
    String token = TestKeys.securityToken();

    // When
    Finding finding = scanner.scan(TestKeys.stsId() + " " + secret + " " + token).get(0);

    // Then
    String shown = finding.toString();
    assertFalse(shown.contains(secret), "the secret is not shown");
    assertFalse(shown.contains(token.substring(0, 40)), "the token is not shown");
    assertTrue(shown.contains(finding.secretFingerprint()));
  }

  @Test
  void shouldCountAnEscapeGluedToAnIdAsItsBoundary() {
    // Given JSON written by an encoder that escapes quotes as \\u0022, and a JSON string ending in \n
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();

    List<Finding> unicode = scanner.scan("{\\u0022ak\\u0022:\\u0022" + id + "\\u0022,\\u0022secret\\u0022:\\u0022"
        + secret + "\\u0022}");
    List<Finding> newline = scanner.scan("\"line one\\n" + id + "\\nsecret " + secret + "\"");

    // Then
    assertEquals(KeyForms.fingerprint(secret), unicode.get(0).secretFingerprint());
    assertEquals(KeyForms.fingerprint(secret), newline.get(0).secretFingerprint());
  }

  @Test
  void shouldReadAQuotedPrintableMailBodyWhoseEqualsSignsAreEscaped() {
    // Given a mail part in quoted-printable (RFC 2045, 6.7), where every '=' of the text is written =3D
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String other = SyntheticKeys.secret();
    String mail = "Content-Transfer-Encoding: quoted-printable\n\nsession_secret=3D" + other + "\naccess_key_id=3D" + id
        + "\naccess_key_secret=3D" + secret + "\n";

    // When
    List<Finding> findings = scanner.scan(mail);

    // Then the ID is found after its escaped '=', and the secret is the one its name says, without the 3D
    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).toList());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
  }

  @Test
  void shouldKeepASecretThatBeginsWith3dAfterAPlainEqualsSign() {
    String id = SyntheticKeys.accessKeyId();
    String secret = "3D" + SyntheticKeys.secret().substring(2);

    List<Finding> findings = scanner.scan("access_key_id=" + id + "\naccess_key_secret=" + secret + "\n");

    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint());
  }

  @Test
  void shouldBeSafeToShareBetweenThreads() throws Exception {
    // Given one scanner and many texts
    List<String> ids = java.util.stream.IntStream.range(0, 64).mapToObj(i -> SyntheticKeys.accessKeyId()).toList();

    // When every text is scanned concurrently
    List<String> found = ids.parallelStream()
        .map(id -> scanner.scan("key " + id + " secret " + SyntheticKeys.secret()).get(0).accessKeyId())
        .toList();

    // Then
    assertEquals(ids, found);
  }
}
