package io.leakguard.runtime;

import java.security.SecureRandom;
import java.util.stream.Collectors;

/**
 * Random alphanumerics for the runtime's own unit tests, which cannot use the testkit (the testkit depends on the
 * runtime). Never a real key.
 */
final class RandomText {

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomText() {}

  static String of(int length) {
    return RANDOM.ints(length, 0, ALPHABET.length()).mapToObj(i -> String.valueOf(ALPHABET.charAt(i)))
        .collect(Collectors.joining());
  }
}
