package io.leakguard.detector.scan;

import io.leakguard.detector.Finding;
import io.leakguard.detector.Scanner;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code leakguard scan}: scans files, directories (recursively) and standard input for leaked Alibaba Cloud
 * credentials and prints one JSON object per finding, one per line, in path then line order:
 *
 * <pre>
 * {"path":"app/.env","line":3,"column":19,"kind":"access_key","accessKeyId":"LTAI…","secretFound":true,
 *  "fingerprint":"&lt;sha-256 of the secret&gt;","masked":"LTAI****************abcd"}
 * </pre>
 *
 * The secret itself is never printed. {@code kind} is {@code access_key} or {@code sts}. With {@code --publish}, the
 * content of each file with findings is also produced to the raw-content topic, for the pipeline to remediate.
 *
 * <p>Exit codes: 0 no findings, 1 findings, 2 usage or I/O error (an unreadable path, a file over
 * {@value #MAX_FILE_MB} MB, a failed publication), which wins over 1 because the scan is then incomplete.
 *
 * <p>Files are read whole, up to {@value #MAX_FILE_MB} MB each (the scanner is linear and fast, a file that size takes
 * well under a second; a cap keeps a stray disk image from exhausting memory). Files whose first 8 KB hold a NUL byte
 * are binary and skipped (quietly inside directories, with a note when named). {@code .git} directories are skipped.
 */
public final class ScanCommand {

  static final int MAX_FILE_MB = 64;
  static final int MAX_FILE_BYTES = MAX_FILE_MB << 20;
  private static final int BINARY_SNIFF = 8192;
  private static final String SOURCE = "leakguard-scan";

  static final String USAGE = """
      usage: leakguard scan [--publish [--bootstrap-servers HOSTS] [--topic-prefix PREFIX]] PATH...

        PATH                     a file, a directory (scanned recursively, .git skipped) or - for standard input
        --publish                also produce each file with findings to the raw-content topic, as RawContent JSON
        --bootstrap-servers H    Kafka bootstrap servers for --publish (default: $KAFKA_BOOTSTRAP_SERVERS, else the
                                 running local stack's .leakguard/local.json)
        --topic-prefix P         topic name prefix (default: leakguard.)

      Prints one JSON object per finding, one per line: path, line, column, kind (access_key | sts), accessKeyId,
      secretFound, fingerprint (SHA-256 of the secret, or null), masked. Never the secret.
      Binary files are skipped; files over 64 MB are not scanned (an error).
      Exit code: 0 no findings, 1 findings, 2 usage or I/O error (incomplete scan).
      """;

  private final PrintStream out;
  private final PrintStream err;
  private final InputStream stdin;
  private final Scanner scanner = new Scanner();
  private boolean failed;
  private int findings;

  private ScanCommand(PrintStream out, PrintStream err, InputStream stdin) {
    this.out = out;
    this.err = err;
    this.stdin = stdin;
  }

  /** Runs the command with the process's streams and environment; returns the exit code. */
  public static int run(String[] args) {
    PrintStream stdout = System.out;
    // Findings alone go to stdout: anything a library logs meanwhile (the Kafka client) goes to stderr instead.
    System.setOut(System.err);
    try {
      return run(args, System.in, stdout, System.err, System.getenv(), KafkaRawContentSink::new);
    } finally {
      System.setOut(stdout);
    }
  }

  static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Map<String, String> env,
                 RawContentSink.Factory sinks) {
    Options options;
    try {
      options = Options.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("leakguard scan: " + e.getMessage() + "\n\n" + USAGE);
      return 2;
    }
    if (options.help()) {
      out.print(USAGE);
      return 0;
    }
    ScanCommand command = new ScanCommand(out, err, stdin);
    RawContentSink sink = null;
    if (options.publish()) {
      try {
        sink = sinks.open(options.bootstrapServers(), options.topicPrefix());
      } catch (RuntimeException e) {
        err.println("leakguard scan: cannot publish to " + options.bootstrapServers() + ": " + e.getMessage());
        return 2;
      }
    }
    try {
      for (String path : options.paths()) {
        command.scanPath(path, sink);
      }
    } finally {
      if (sink != null) {
        sink.close();
      }
      out.flush();
    }
    return command.failed ? 2 : command.findings > 0 ? 1 : 0;
  }

  private void scanPath(String path, RawContentSink sink) {
    if (path.equals("-")) {
      scanStdin(sink);
      return;
    }
    Path file = Path.of(path);
    if (Files.isDirectory(file)) {
      for (Path each : filesUnder(file)) {
        scanFile(each, false, sink);
      }
    } else if (Files.isRegularFile(file)) {
      scanFile(file, true, sink);
    } else {
      error(path, Files.exists(file) ? "not a regular file" : "no such file or directory");
    }
  }

  private List<Path> filesUnder(Path directory) {
    List<Path> files = new ArrayList<>();
    try {
      Files.walkFileTree(directory, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(directory)
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          if (attributes.isRegularFile()) {
            files.add(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          error(file.toString(), describe(e));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      error(directory.toString(), describe(e));
    }
    files.sort(null);
    return files;
  }

  private void scanFile(Path file, boolean named, RawContentSink sink) {
    String path = file.toString();
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        error(path, (size >> 20) + " MB is over the " + MAX_FILE_MB + " MB limit of one file; not scanned");
        return;
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      error(path, describe(e));
      return;
    }
    scanBytes(path, bytes, named, sink);
  }

  private void scanStdin(RawContentSink sink) {
    byte[] bytes;
    try {
      bytes = stdin.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      error("-", describe(e));
      return;
    }
    if (bytes.length > MAX_FILE_BYTES) {
      error("-", "standard input is over the " + MAX_FILE_MB + " MB limit; not scanned");
      return;
    }
    scanBytes("-", bytes, true, sink);
  }

  private void scanBytes(String path, byte[] bytes, boolean named, RawContentSink sink) {
    if (isBinary(bytes)) {
      if (named) {
        err.println("leakguard scan: " + path + ": binary, skipped");
      }
      return;
    }
    String content = new String(bytes, StandardCharsets.UTF_8);
    List<Finding> found = scanner.scan(content);
    for (Finding finding : found) {
      out.println(json(path, finding));
    }
    findings += found.size();
    if (sink != null && !found.isEmpty()) {
      try {
        sink.send(path, new RawContent(SOURCE, path, content, null));
      } catch (Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        error(path, "cannot publish: " + cause.getMessage());
      }
    }
  }

  private static boolean isBinary(byte[] bytes) {
    for (int i = 0; i < Math.min(bytes.length, BINARY_SNIFF); i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }

  private void error(String path, String message) {
    err.println("leakguard scan: " + path + ": " + message);
    failed = true;
  }

  private static String describe(IOException e) {
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /** One finding as a JSON object on one line. Built by hand: eight fields, and nothing secret can slip in. */
  static String json(String path, Finding finding) {
    return "{\"path\":" + quote(path)
        + ",\"line\":" + finding.line()
        + ",\"column\":" + finding.column()
        + ",\"kind\":\"" + (finding.kind() == CredentialKind.STS_TOKEN ? "sts" : "access_key") + "\""
        + ",\"accessKeyId\":" + quote(finding.accessKeyId())
        + ",\"secretFound\":" + finding.secretFound()
        + ",\"fingerprint\":" + (finding.secretFingerprint() == null ? "null" : quote(finding.secretFingerprint()))
        + ",\"masked\":" + quote(KeyForms.mask(finding.accessKeyId()))
        + "}";
  }

  private static String quote(String value) {
    StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  /** The parsed command line. */
  record Options(List<String> paths, boolean publish, String bootstrapServers, String topicPrefix, boolean help) {

    static Options parse(String[] args, Map<String, String> env) {
      List<String> paths = new ArrayList<>();
      boolean publish = false;
      String bootstrap = null;
      String prefix = TopicCatalog.DEFAULT_PREFIX;
      boolean optionsEnded = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (optionsEnded || arg.equals("-") || !arg.startsWith("-")) {
          paths.add(arg);
          continue;
        }
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
        switch (name) {
          case "--" -> optionsEnded = true;
          case "-h", "--help" -> {
            return new Options(List.of(), false, null, prefix, true);
          }
          case "--publish" -> publish = true;
          case "--bootstrap-servers" -> {
            bootstrap = inline != null ? inline : value(args, ++i, name);
          }
          case "--topic-prefix" -> {
            prefix = inline != null ? inline : value(args, ++i, name);
          }
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      if (paths.isEmpty()) {
        throw new IllegalArgumentException("which paths? give files, directories or - for standard input");
      }
      if (bootstrap == null || bootstrap.isBlank()) {
        bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
      }
      if (publish && (bootstrap == null || bootstrap.isBlank())) {
        bootstrap = runningLocalStack(env);
      }
      if (publish && (bootstrap == null || bootstrap.isBlank())) {
        throw new IllegalArgumentException("--publish needs --bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS or a "
            + "running local stack (./leakguard local)");
      }
      try {
        new TopicCatalog(prefix);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--topic-prefix: " + e.getMessage());
      }
      return new Options(List.copyOf(paths), publish, bootstrap, prefix, false);
    }

    /** The bootstrap servers of the running local stack, from its {@code .leakguard/local.json}, or null. */
    static String runningLocalStack(Map<String, String> env) {
      java.nio.file.Path local = java.nio.file.Path.of(env.getOrDefault("LEAKGUARD_LOCAL_DIR", ".leakguard"))
          .resolve("local.json");
      if (!java.nio.file.Files.isRegularFile(local)) {
        return null;
      }
      try {
        return io.leakguard.schemas.serde.JsonSerde.MAPPER.readTree(local.toFile()).path("bootstrapServers")
            .asText(null);
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot read " + local + ": " + e.getMessage());
      }
    }

    private static String value(String[] args, int index, String name) {
      if (index >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      return args[index];
    }
  }
}
