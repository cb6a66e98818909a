package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.KeyForms;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Placeholders, masked keys and documentation-style examples are not keys. */
class ScannerPlaceholderTest {

  private final Scanner scanner = new Scanner();

  @ParameterizedTest
  @ValueSource(strings = {
      "LTAI****************",
      "LTAI5t**************ab12",
      "LTAIxxxxxxxxxxxxxxxxxxxx",
      "LTAI5tXXXXXXXXXXXXXXXXXX",
      "LTAI1234567890abcdefghij",
      "LTAI5tEXAMPLEKEYID12345w",
      "LTAIabababababababababab",
      "LTAIAAAAbbbbAAAAbbbbAAAA",
      "<your-access-key-id>",
      "${ALIBABA_CLOUD_ACCESS_KEY_ID}",
      "LTAI_YOUR_ACCESS_KEY_ID",
      "STS.xxxxxxxxxxxxxxxxxxxxxxxxxx",
      "STS.yourStsAccessKeyIdGoesHere",
  })
  void shouldNotTakeAPlaceholderIdForAKey(String placeholder) {
    String text = "access_key_id = " + placeholder + "\naccess_key_secret = " + SyntheticKeys.secret() + "\n";

    assertTrue(scanner.scan(text).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"%s****", "%s##", "%s<redacted>", "%s[MASKED]", "%s(truncated)"})
  void shouldNotTakeAMaskedOrCutIdForALeak(String form) {
    // Given an ID shown as consoles and documentation show one: its head, then a mask
    String id = SyntheticKeys.accessKeyId();
    String sts = SyntheticKeys.stsAccessKeyId();

    assertEquals(List.of(), scanner.scan("AccessKey ID: " + String.format(form, id.substring(0, 18)) + "\n"));
    assertEquals(List.of(), scanner.scan("AccessKey ID: " + String.format(form, id) + "\n"));
    assertEquals(List.of(), scanner.scan("STS AccessKeyId: " + String.format(form, sts) + "\n"));
  }

  @Test
  void shouldTellAnIdCutShortFromOneEndingASentence() {
    String id = SyntheticKeys.accessKeyId();

    assertEquals(List.of(), scanner.scan("the key " + id.substring(0, 16) + "... was found\n"));
    assertEquals(List.of(), scanner.scan("the key " + id.substring(0, 16) + "\u2026 was found\n"));
    assertEquals(List.of(id), scanner.scan("the key " + id + "... was found\n").stream()
        .map(Finding::accessKeyId).toList());
  }

  @Test
  void shouldNotTakeAnIdWhoseTailIsMaskedWithXForAKey() {
    String masked = SyntheticKeys.accessKeyId().substring(0, 20) + "xxxx";
    String text = "access_key_id = " + masked + "\naccess_key_secret = " + SyntheticKeys.secret() + "\n";

    assertTrue(scanner.scan(text).isEmpty());
  }

  @Test
  void shouldNotReportTheMaskedFormItPrintsItself() {
    assertTrue(scanner.scan("leak of " + KeyForms.mask(SyntheticKeys.accessKeyId()) + " rotated").isEmpty());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
      "abcdefghijklmnopqrstuvwxyz0123",
      "000000000000000000000000000000",
      "ababababababababababababababab",
      "YourAccessKeySecretExample1234",
      "123456789012345678901234567890",
  })
  void shouldNotPairAnIdWithAPlaceholderSecret(String placeholder) {
    // Given a real-looking ID and a placeholder secret
    String text = "access_key_id = " + SyntheticKeys.accessKeyId() + "\naccess_key_secret = " + placeholder + "\n";

    // When
    List<Finding> findings = scanner.scan(text);

    // Then the ID is reported, unpaired
    assertEquals(1, findings.size());
    assertFalse(findings.get(0).secretFound());
  }

  @Test
  void shouldStillFindRandomKeys() {
    // Given many generated pairs: the placeholder rules must not reject real, random keys
    int found = 0;
    for (int i = 0; i < 2000; i++) {
      List<Finding> findings = scanner.scan("k=" + SyntheticKeys.accessKeyId() + " s=" + SyntheticKeys.secret());
      found += findings.size() == 1 && findings.get(0).secretFound() ? 1 : 0;
    }

    assertEquals(2000, found);
  }
}
