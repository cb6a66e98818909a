package io.leakguard.cli;

/**
 * The exit codes of every {@code leakguard} command (documented in the README):
 *
 * <ul>
 *   <li>{@value #OK}: success;</li>
 *   <li>{@value #FINDINGS}: findings ({@code scan}), a failed check ({@code demo}), or the command was refused;</li>
 *   <li>{@value #USAGE}: a usage or configuration error;</li>
 *   <li>{@value #UNREACHABLE}: Kafka or the cloud could not be reached.</li>
 * </ul>
 */
public final class Exits {

  public static final int OK = 0;
  public static final int FINDINGS = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;

  private Exits() {}

  /** A user's mistake: bad arguments, configuration or input. One line is printed, then a pointer to the usage. */
  public static final class UsageError extends RuntimeException {
    public UsageError(String message) {
      super(message, null, false, false);
    }
  }

  /** Kafka or the cloud did not answer. */
  public static final class Unreachable extends RuntimeException {
    public Unreachable(String message) {
      super(message, null, false, false);
    }
  }
}
