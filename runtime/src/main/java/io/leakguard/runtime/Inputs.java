package io.leakguard.runtime;

/**
 * Checks on input records that every service makes the same way. A record without a value (a tombstone or an empty
 * message somebody wrote to a topic that carries none) is refused with an exception, so the processing handler
 * dead-letters it with its source coordinates and the reason, instead of it failing somewhere deeper or vanishing.
 */
public final class Inputs {

  private Inputs() {}

  /** The value, or an {@link IllegalArgumentException} naming what was expected. */
  public static <T> T required(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException("a " + what + " record without a value (null or empty)");
    }
    return value;
  }
}
