package io.leakguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service images, as the {@code images} profile writes them to {@code deploy/target/images}: each tarball is an
 * OCI image layout; its config and every layer are read back here. Runs only in that profile
 * ({@code mvn -B -Pimages verify}).
 */
class ImagesIT {

  private static final Path IMAGES = Path.of("target", "images");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What must never be in a service image: the broker, the emulator, test code, coverage agents. */
  private static final Pattern FORBIDDEN = Pattern.compile(".*/(kafka_2\\.13-.*|scala-library-.*|broker-.*|"
      + "emulator-.*|testkit-.*|deploy-.*|junit-.*|opentest4j-.*|.*jacoco.*|.*-tests\\.jar|kafka-streams-test-utils-.*|"
      + "testcontainers-.*|awaitility-.*)\\.jar");

  @TempDir
  Path work;

  @ParameterizedTest
  @ValueSource(strings = {"detector", "enricher", "remediator", "notifier", "bridge", "console"})
  void shouldBeARunnableNonRootImageWithoutDevelopmentWeight(String service) throws Exception {
    // Given the service's image tarball
    Path tarball = IMAGES.resolve(service + ".tar");
    assertTrue(Files.isRegularFile(tarball), tarball + " is missing: build it with mvn -B -Pimages verify");
    Map<String, byte[]> blobs = entries(Files.newInputStream(tarball));
    JsonNode index = JSON.readTree(blobs.get("index.json"));
    JsonNode manifest = JSON.readTree(blob(blobs, index.path("manifests").get(0).path("digest").asText()));
    JsonNode config = JSON.readTree(blob(blobs, manifest.path("config").path("digest").asText())).path("config");

    // Then its configuration: a non-root user, the health port, container JVM flags, leakguard run <service>
    assertEquals("65532:65532", config.path("User").asText());
    assertTrue(config.path("ExposedPorts").has("8080/tcp"), config.toString());
    // The bridge's GitHub webhook receiver, when it is on
    assertEquals(service.equals("bridge"), config.path("ExposedPorts").has("8443/tcp"), config.toString());
    // The console's page and API
    assertEquals(service.equals("console"), config.path("ExposedPorts").has("8088/tcp"), config.toString());
    List<String> env = new ArrayList<>();
    config.path("Env").forEach(e -> env.add(e.asText()));
    assertTrue(env.stream().anyMatch(e -> e.startsWith("LEAKGUARD_JAVA_OPTS=") && e.contains("-XX:MaxRAMPercentage=")),
        env.toString());
    assertTrue(env.contains("LEAKGUARD_STATE_DIR=/var/lib/leakguard"), env.toString());
    List<String> entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    assertEquals(List.of("/opt/leakguard/bin/leakguard", "run", service), entrypoint);

    // And its layers: a Java runtime, a shell for the launcher, the service's jars, nothing of development
    Map<String, TarArchiveEntry> files = new LinkedHashMap<>();
    Path rootfs = Files.createDirectories(work.resolve("rootfs"));
    for (JsonNode layer : manifest.path("layers")) {
      extractLayer(blob(blobs, layer.path("digest").asText()), rootfs, files);
    }
    assertTrue(files.containsKey("/opt/java/bin/java"));
    assertTrue(files.containsKey("/bin/sh"));
    assertEquals(0755, files.get("/opt/leakguard/bin/leakguard").getMode() & 0777);
    assertTrue(files.keySet().stream().anyMatch(f -> f.matches("/app/libs/" + service + "-[^/]+\\.jar")
        || f.startsWith("/app/classes/")), "the service's code is in the image");
    assertTrue(files.keySet().stream().anyMatch(f -> f.matches("/app/libs/kafka-streams-[0-9.]+\\.jar")));
    List<String> forbidden = files.keySet().stream().filter(f -> FORBIDDEN.matcher(f).matches()).toList();
    assertEquals(List.of(), forbidden);
    assertTrue(files.values().stream().allMatch(f -> f.getLongUserId() == 0 || f.getLongUserId() == 65532));

    // And where this machine can chroot (root, /proc mountable), it runs as the unprivileged user and answers
    runInside(rootfs, service);
  }

  /** Runs {@code leakguard run SERVICE --help} and {@code leakguard local} in the image's root file system. */
  private void runInside(Path rootfs, String service) throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
    // What a container runtime provides: /proc and /dev
    Path proc = Files.createDirectories(rootfs.resolve("proc"));
    Path dev = Files.createDirectories(rootfs.resolve("dev"));
    Assumptions.assumeTrue(run(List.of("mount", "-t", "proc", "proc", proc.toString())).exit() == 0,
        "cannot mount /proc here");
    run(List.of("mount", "--bind", "/dev", dev.toString()));
    try {
      Result help = run(List.of("chroot", "--userspec=65532:65532", rootfs.toString()), envOf(rootfs),
          "/opt/leakguard/bin/leakguard", "run", service, "--help");
      assertEquals(0, help.exit(), help.output());
      assertTrue(help.output().contains("Usage: leakguard run " + service), help.output());
      // The local stack is a development command: not in a service image
      Result local = run(List.of("chroot", "--userspec=65532:65532", rootfs.toString()), envOf(rootfs),
          "/opt/leakguard/bin/leakguard", "local");
      assertEquals(2, local.exit(), local.output());
      assertTrue(local.output().contains("Unmatched argument"), local.output());
      Result whoami = run(List.of("chroot", "--userspec=65532:65532", rootfs.toString()), envOf(rootfs),
          "/opt/java/bin/java", "-XshowSettings:properties", "-version");
      assertTrue(whoami.output().contains("user.name = leakguard"), whoami.output());
      assertNotEquals(-1, whoami.exit());
    } finally {
      run(List.of("umount", dev.toString()));
      run(List.of("umount", proc.toString()));
    }
  }

  /** The image's environment (what a container runtime would set from the config). */
  private Map<String, String> envOf(Path rootfs) {
    return Map.of("PATH", "/opt/java/bin:/opt/leakguard/bin:/bin", "JAVA_HOME", "/opt/java",
        "LEAKGUARD_CLASSPATH", "/app/resources:/app/classes:/app/libs/*", "HOME", "/home/leakguard",
        "LEAKGUARD_JAVA_OPTS", "-XX:MaxRAMPercentage=75");
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command) throws Exception {
    return run(command, null);
  }

  private static Result run(List<String> prefix, Map<String, String> env, String... command) throws Exception {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(all).redirectErrorStream(true);
    if (env != null) {
      builder.environment().clear();
      builder.environment().putAll(env);
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Result(-1, output);
    }
    return new Result(process.exitValue(), output);
  }

  private static byte[] blob(Map<String, byte[]> blobs, String digest) {
    byte[] blob = blobs.get("blobs/" + digest.replace(':', '/'));
    assertFalse(blob == null, "no blob " + digest);
    return blob;
  }

  private static Map<String, byte[]> entries(InputStream tar) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (entry.isFile()) {
          entries.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    return entries;
  }

  /** Extracts a gzipped layer into {@code root}, keeping modes, and records each entry by its absolute path. */
  private static void extractLayer(byte[] layer, Path root, Map<String, TarArchiveEntry> files) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(
        new java.io.ByteArrayInputStream(layer)))) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        String name = "/" + entry.getName().replaceFirst("^\\./", "").replaceFirst("^/", "");
        name = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        files.put(name, entry);
        Path target = root.resolve(name.substring(1)).normalize();
        assertTrue(target.startsWith(root), name);
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isFile()) {
          Files.createDirectories(target.getParent());
          ByteArrayOutputStream content = new ByteArrayOutputStream();
          in.transferTo(content);
          Files.write(target, content.toByteArray());
        } else {
          continue;
        }
        if (!entry.isSymbolicLink()) {
          Files.setPosixFilePermissions(target, permissions(entry.getMode()));
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = java.util.EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        set.add(order[bit]);
      }
    }
    return set;
  }
}
