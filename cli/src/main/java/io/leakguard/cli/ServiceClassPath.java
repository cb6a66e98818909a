package io.leakguard.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The class path a service process needs: this module's jar and its runtime dependencies, by file name, as the build
 * lists them ({@code service-classpath.txt}) and as a service image holds them. The local stack starts its services
 * with it, so no service process carries the broker or the emulator, although the distribution does.
 */
public final class ServiceClassPath {

  private ServiceClassPath() {}

  /** The entries of {@code classPath} that a service needs; directories (a build's classes) are all kept. */
  public static String of(String classPath) {
    Set<String> jars = jarNames();
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.endsWith(".jar") || jars.contains(Path.of(entry).getFileName().toString()))
        .collect(Collectors.joining(File.pathSeparator));
  }

  static Set<String> jarNames() {
    try (InputStream in = ServiceClassPath.class.getResourceAsStream("service-classpath.txt")) {
      if (in == null) {
        throw new IllegalStateException("service-classpath.txt is missing from the cli jar (build it with Maven)");
      }
      String listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      Set<String> names = Arrays.stream(listed.split(":")).map(e -> Path.of(e).getFileName().toString())
          .collect(Collectors.toSet());
      String cliJar = Path.of(ServiceClassPath.class.getProtectionDomain().getCodeSource().getLocation().getPath())
          .getFileName().toString();
      names.add(cliJar);
      return Set.copyOf(names);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read service-classpath.txt", e);
    }
  }
}
