package io.leakguard.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyFormsTest {

  @Test
  void shouldMaskAllButPrefixAndLastFour() {
    assertEquals("LTAI****************ey01", KeyForms.mask("LTAI5tSyntheticTestKey01"));
    assertEquals("STS.*************ABCD", KeyForms.mask("STS.NSyntheticTokABCD"));
    assertEquals("************zvai", KeyForms.mask("0wNEpMMlzy7szvai"));
    assertEquals("LTAI***", KeyForms.mask("LTAIabc"));
  }

  @Test
  void shouldFingerprintWithSha256Hex() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", KeyForms.fingerprint("abc"));
  }
}
