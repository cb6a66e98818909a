package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceClassPathTest {

  @Test
  void shouldKeepAServiceJarsAndDropTheBrokerAndTheEmulator() {
    // Given the distribution's class path: the service's jars and the local stack's development components
    String lib = "/opt/leakguard/lib/";
    String full = String.join(File.pathSeparator, List.of(lib + "kafka-streams-4.3.1.jar", lib + "kafka_2.13-4.3.1.jar",
        lib + "scala-library-2.13.18.jar", lib + "emulator-0.1.0-SNAPSHOT.jar", lib + "broker-0.1.0-SNAPSHOT.jar",
        lib + "remediator-0.1.0-SNAPSHOT.jar", "/work/cli/target/classes"));

    // When a service's class path is taken from it
    String service = ServiceClassPath.of(full);

    // Then only what an image holds is left (directories of a build are kept)
    assertEquals(String.join(File.pathSeparator, List.of(lib + "kafka-streams-4.3.1.jar",
        lib + "remediator-0.1.0-SNAPSHOT.jar", "/work/cli/target/classes")), service);
  }
}
