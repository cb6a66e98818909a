package io.leakguard.schemas;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Placeholders of every style are not random; random values are. The placeholders are built here by their pattern
 * (the styles seen in documentation, samples and tests), never taken from a real key.
 */
class KeyPlausibilityTest {

  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  @ParameterizedTest
  @ValueSource(strings = {
      "5tAbCdEfGhIjKlMnOpQr", // an alphabet run with alternating case
      "5taBcDeFgHiJkLmNoPqR",
      "5tZyXwVuTsRqPoNmLkJi", // the same, downwards
      "5ta1b2c3d4e5f6g7h8i9", // letters and digits interleaved, both ramps
      "5tA0B1C2D3E4F5G6H7I8",
      "5t9z8y7x6w5v4u3t2s1r",
      "5txXxXxXxXxXxXxXxXxX", // one character, alternating case
      "5tab12ab12ab12ab12ab", // a short block repeated
      "5tAbc123Abc123Abc123", // a longer chunk typed again and again
      "5tK9mQ2xWpK9mQ2xWp7R", // an 8-character chunk typed twice
      "5tAAAABBBBCCCCDDDD12", // blocks of one character
      "abcd1234efgh5678ijkl", // blocks of short runs
      "5tFakeAccessKeyId123", // placeholder words
      "5tTestKeyForDocs0001",
      "5tREPLACEWITHYOURKEY",
      "5tTODOTODOreplaceME9",
      "MyAccessKeyIdHere", // words with two-letter ones
      "5tPlaceholderValue01",
      "5tAccessKeyForBucket42", // words between a prefix and digits
      "5tAliyunAccessKey001", // words a made-up key is typed with
      "5tMyCompanyProdKey01",
      "5tNOTAREALKEYATALL01",
      "5tQ1w2E3r4T5y6U7i8O9", // a keyboard walk with digits between its keys
      "NSyntheticTokABCD", // one long typed word (this repository's own test fixtures, found by scan --git)
      "noSuchKey0000", // a tail of zeros
      "5tQwErTyUiOp12345678", // a keyboard row
      "5tasdfghjkl1234abcde",
      "5tMnbvcxzLkjhgf09876",
      "5t0123456789abcdefgh",
      "5tN1v2k3E4y5I6d7X8y9", // one ramp at every other place, random letters between
      "5t9q8Z7r6L5p4X3mTn2K", // the same, downwards
      "4FoObArBaZqUxQuUx", // the programmer's stand-in words, any case
      "5tLoremIpsumDolor123", // (also a word sequence)
  })
  void shouldRejectPatternedBodies(String body) {
    assertFalse(KeyPlausibility.isRandomLooking(body, 0, body.length()), body);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GetCallerIdentity",
      "AssumeRoleWithOIDC",
      "AssumeRoleWithSAML",
      "GetFederationToken",
      "AssumeRoleWithServiceIdentity",
      "YourAccessKeyIdHere",
      "DescribeRegionsRequest",
      "getCallerIdentity", // lower camel case: the JavaScript and Go SDKs' method names
      "assumeRoleWithOIDC",
      "assumeRoleWithServiceIdentity",
  })
  void shouldTakeWordSequencesForNamesNotKeys(String name) {
    assertTrue(KeyPlausibility.isWordSequence(name, 0, name.length()), name);
    assertFalse(KeyPlausibility.isRandomLooking(name, 0, name.length()), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"NUgYrLnoAoWFqGCT", "Abc1DefGhi", "AssumeRole", "GetXYZABCDEFToken", "QwXzPkRtVbNmLsDf",
      "qxRoleWithOIDCName", "getRole", "xkcdPqrsRoleName"})
  void shouldNotTakeOtherValuesForWordSequences(String value) {
    assertFalse(KeyPlausibility.isWordSequence(value, 0, value.length()), value);
  }

  /**
   * The recall cost: how many random bodies the rules reject. A real ID is random, so each rejection is a missed
   * leak; the bound is 40 in 500,000 per length, under one in 10,000 (measured, all rules: 34 of 16 characters, 18 of
   * 20, 9 of 24, 6 of 30; the 12-character bodies of 16-character IDs, which the word rule does not apply to: 28).
   * Names in lower camel case cost 15 of the 34: a 16-character random value opens with three lower-case letters
   * and goes on in capitalized words more often than a longer one does.
   */
  @ParameterizedTest
  @ValueSource(ints = {16, 20, 24, 30})
  void shouldAcceptRandomValues(int length) {
    SplittableRandom random = new SplittableRandom(length);
    int rejected = 0;
    char[] body = new char[length];
    for (int n = 0; n < 500_000; n++) {
      for (int i = 0; i < length; i++) {
        body[i] = ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length()));
      }
      if (!KeyPlausibility.isRandomLooking(new String(body), 0, length)) {
        rejected++;
      }
    }
    assertTrue(rejected <= 40, rejected + " of 500,000 random " + length + "-character values rejected");
  }
}
