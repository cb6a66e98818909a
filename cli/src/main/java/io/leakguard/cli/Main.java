package io.leakguard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.leakguard.runtime.LogFormat;
import java.util.Set;
import org.slf4j.LoggerFactory;

/** The {@code leakguard} launcher's main class. */
public final class Main {

  /** Long-running commands keep the Kafka client's warnings; a one-shot command answers with one line instead. */
  private static final Set<String> LONG_RUNNING = Set.of("run", "local", "demo");

  private Main() {}

  public static void main(String[] args) {
    // Checked before the first logger call, which reads the same variable in logback.xml.
    try {
      LogFormat.of(System.getProperties(), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("leakguard: " + e.getMessage());
      System.exit(Exits.USAGE);
    }
    if (args.length == 0 || !LONG_RUNNING.contains(args[0])) {
      ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.ERROR);
    }
    System.exit(Leakguard.execute(args));
  }
}
