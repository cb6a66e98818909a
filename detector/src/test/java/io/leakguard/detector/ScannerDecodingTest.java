package io.leakguard.detector;

import static io.leakguard.detector.TestKeys.base64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cloud.Secret;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.KeyForms;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys inside URL-encoded, JSON-escaped and base64 values, and inside several of these nested. */
class ScannerDecodingTest {

  private final Scanner scanner = new Scanner();
  private final String id = SyntheticKeys.accessKeyId();
  private final String secret = SyntheticKeys.secret();

  private void assertPaired(List<Finding> findings) {
    assertEquals(1, findings.size(), "one finding");
    assertEquals(id, findings.get(0).accessKeyId());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint(), "paired with its secret");
  }

  @Test
  void shouldJoinAKeyThatAMailEncoderBrokeAtColumn76() {
    // Given a quoted-printable mail body (RFC 2045, 6.7) whose long lines end in soft breaks, one inside the ID and one
    // inside the secret
    String prose = "Hello team, the new credentials for the staging account are: AccessKey ID ";
    int cut = 76 - prose.length() - 1;
    String body = "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + prose + id.substring(0, cut)
        + "=\r\n" + id.substring(cut) + " and the AccessKey Secret which goes with it is"
        + " the one here: access_key_secret=3D" + secret.substring(0, 9) + "=\r\n" + secret.substring(9)
        + " for now.\r\n";

    // When
    List<Finding> findings = scanner.scan(body);

    // Then the pair is whole again, reported on the line where the ID begins
    assertPaired(findings);
    assertEquals(3, findings.get(0).line());
  }

  @Test
  void shouldStillDecodeALongBase64LineWhosePaddingEndsTheLine() {
    // Given a Secret's long base64 value ending in one '=' at the end of its line, which looks like a soft line break
    String json = "{\"accessKeyId\": \"" + id + "\", \"accessKeySecret\":\"" + secret + "\"}";
    String encoded = base64(json);
    assertTrue(encoded.endsWith("=") && !encoded.endsWith("=="), encoded.length() + " characters of base64");
    String manifest = "apiVersion: v1\ndata:\n  credentials.json: " + encoded + "\nkind: Secret\n";

    // Then the value is still decoded as base64, and the pair in it found
    assertPaired(scanner.scan(manifest));
  }

  @Test
  void shouldNotDecodeQuotedPrintableWithoutASoftBreak() {
    // "=AB" in a plain config is not an escape: without a soft break nothing is decoded
    String text = "x=ABCDEF\naccess_key_id=" + id + "\naccess_key_secret=" + secret + "\n";

    assertPaired(scanner.scan(text));
  }

  @Test
  void shouldFindAPairInUrlEncodedJson() {
    // Given a query parameter holding JSON, URL-encoded as usual (quotes, braces, colons escaped)
    String json = "{\"AccessKeyId\":\"" + id + "\",\"AccessKeySecret\":\"" + secret + "\"}";

    // When
    List<Finding> findings = scanner.scan("GET /callback?creds=" + TestKeys.percentEncode(json) + " HTTP/1.1\n");

    // Then
    assertPaired(findings);
  }

  @Test
  void shouldFindAPairWhoseEveryCharacterIsPercentEncoded() {
    // Given
    String text = "line one\nq=" + TestKeys.percentEncodeAll("id=" + id + "&secret=" + secret) + "\n";

    // When
    List<Finding> findings = scanner.scan(text);

    // Then the pair is found, at the start of the encoded value
    assertPaired(findings);
    assertEquals(2, findings.get(0).line());
    assertEquals(3, findings.get(0).column());
  }

  @Test
  void shouldFindAPairThatIsUrlEncodedTwice() {
    String twice = TestKeys.percentEncode(TestKeys.percentEncodeAll(id) + "%20" + TestKeys.percentEncodeAll(secret));

    assertPaired(scanner.scan("x=" + twice));
  }

  @Test
  void shouldFindAPairInAFileEmbeddedInAJsonString() {
    // Given a config file's content as a JSON string (newlines escaped)
    String json = "{\"path\":\"~/.alibabacloud/credentials\",\"content\":\"[default]\\naccess_key_id = " + id
        + "\\nregion = cn-hangzhou\\naccess_key_secret = " + secret + "\\n\"}";

    assertPaired(scanner.scan(json));
  }

  @Test
  void shouldFindAPairWrittenWithUnicodeEscapes() {
    String json = "{\"ak\":\"" + TestKeys.unicodeEscapeAll(id) + "\",\"sk\":\"" + TestKeys.unicodeEscapeAll(secret) + "\"}";

    assertPaired(scanner.scan(json));
  }

  @Test
  void shouldReadASecurityTokenWhoseSymbolsAreEscaped() {
    // Given an STS token in a JSON string (slashes escaped) and in a URL (+ / = percent-encoded)
    String stsId = TestKeys.stsId();
    String token = TestKeys.securityToken();
    String inJson = "{\"AccessKeyId\":\"" + stsId + "\",\"SecurityToken\":\"" + token.replace("/", "\\/") + "\"}";
    String inUrl = "?AccessKeyId=" + stsId + "&SecurityToken=" + TestKeys.percentEncode(token);

    // Then both give the token as STS issued it
    assertTrue(scanner.scan(inJson).get(0).securityToken().equals(new Secret(token)));
    assertTrue(scanner.scan(inUrl).get(0).securityToken().equals(new Secret(token)));
  }

  @Test
  void shouldFindAPairInAKubernetesSecretsData() {
    // Given a Kubernetes Secret manifest: each value base64-encoded on its own line
    String manifest = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: oss-credentials\ntype: Opaque\ndata:\n"
        + "  accessKeyId: " + base64(id) + "\n  accessKeySecret: " + base64(secret) + "\n";

    // When
    List<Finding> findings = scanner.scan(manifest);

    // Then the pair is found, at the encoded ID
    assertPaired(findings);
    assertEquals(7, findings.get(0).line());
    assertEquals(16, findings.get(0).column());
  }

  @Test
  void shouldFindAPairInAKubernetesSecretWrittenAsJson() {
    String json = "{\"kind\":\"Secret\",\"data\":{\"id\":\"" + base64(id) + "\",\"key\":\"" + base64(secret) + "\"}}";

    assertPaired(scanner.scan(json));
  }

  @Test
  void shouldFindBase64EncodedIdsWhateverTheAlignment() {
    // Given the same content after 0, 1 and 2 bytes, so that the ID falls at each position of a 3-byte group
    for (String prefix : List.of("", "a", "ab")) {
      String encoded = base64(prefix + "id=" + id + " secret=" + secret);

      // Then each is found
      assertPaired(scanner.scan("value: " + encoded));
    }
  }

  @Test
  void shouldFindBase64EncodedStsIdsWhateverTheAlignment() {
    for (String prefix : List.of("", "a", "ab")) {
      String stsId = TestKeys.stsId();

      List<Finding> findings = scanner.scan("value: " + base64(prefix + "x=" + stsId));

      assertEquals(stsId, findings.get(0).accessKeyId());
    }
  }

  @Test
  void shouldFindAPairInABase64EncodedFile() {
    String file = "[default]\naccess_key_id = " + id + "\naccess_key_secret = " + secret + "\n";

    assertPaired(scanner.scan("credentials: " + base64(file) + "\n"));
  }

  @Test
  void shouldPairAPlainIdWithAnEncodedSecretNextToIt() {
    String text = "access_key_id: " + id + "\naccess_key_secret_b64: " + base64(secret) + "\n";

    assertPaired(scanner.scan(text));
  }

  @Test
  void shouldFindAPairInNestedEncodings() {
    String file = "access_key_id = " + id + "\naccess_key_secret = " + secret + "\n";

    // a URL-encoded base64 value (its + / = escaped)
    assertPaired(scanner.scan("u=" + TestKeys.percentEncode(base64("??" + file + "??"))));
    // a JSON string holding a Kubernetes manifest
    assertPaired(scanner.scan("{\"manifest\":\"data:\\n  id: " + base64(id) + "\\n  key: " + base64(secret) + "\\n\"}"));
    // a percent-encoded JSON string holding unicode escapes
    assertPaired(scanner.scan("q=" + TestKeys.percentEncode("{\"a\":\"" + TestKeys.unicodeEscapeAll(id) + "\",\"s\":\""
        + TestKeys.unicodeEscapeAll(secret) + "\"}")));
  }

  @Test
  void shouldFindAPairInsideAPaddedBase64ValueWhateverItEncodes() {
    // Given padded base64 values whose content hides the ID again (the prefilter sees neither the ID nor its base64
    // form, only a padded base64 value)
    String file = "access_key_id = " + id + "\naccess_key_secret = " + secret + "\n";

    // base64 of base64
    assertPaired(scanner.scan("v: " + TestKeys.paddedBase64(base64(file))));
    // base64 of JSON whose strings are unicode-escaped
    assertPaired(scanner.scan("blob " + TestKeys.paddedBase64("{\"a\":\"" + TestKeys.unicodeEscapeAll(id) + "\",\"s\":\""
        + TestKeys.unicodeEscapeAll(secret) + "\"}")));
  }

  @Test
  void shouldStopDecodingAtTheDepthLimitAndNotHang() {
    // Given content base64-encoded ten times over
    String text = "access_key_id = " + id + " access_key_secret = " + secret;
    for (int i = 0; i < 10; i++) {
      text = base64(text);
    }
    String nested = text;

    // When / Then: the scan ends, and finds nothing so deep
    assertTrue(org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> scanner.scan(nested)).isEmpty());
  }
}
