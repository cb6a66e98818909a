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

  /**
   * What to scan and where to publish.
   *
   * @param paths       files, directories (recursively) or {@code -} for standard input
   * @param publishTo   Kafka bootstrap servers to produce files with findings to, or null to only report
   * @param topicPrefix the topic name prefix
   */
  public record Request(List<String> paths, String publishTo, String topicPrefix) {
    public Request {
      paths = List.copyOf(paths);
      new TopicCatalog(topicPrefix); // validates the prefix
    }
  }

  /** Runs a scan with the process's streams; returns the exit code. */
  public static int run(Request request) {
    PrintStream stdout = System.out;
    // Findings alone go to stdout: anything a library logs meanwhile (the Kafka client) goes to stderr instead.
    System.setOut(System.err);
    try {
      return run(request, System.in, stdout, System.err, KafkaRawContentSink::new);
    } finally {
      System.setOut(stdout);
    }
  }

  static int run(Request request, InputStream stdin, PrintStream out, PrintStream err, RawContentSink.Factory sinks) {
    ScanCommand command = new ScanCommand(out, err, stdin);
    RawContentSink sink = null;
    if (request.publishTo() != null) {
      try {
        sink = sinks.open(request.publishTo(), request.topicPrefix());
      } catch (RuntimeException e) {
        err.println("leakguard scan: cannot publish to " + request.publishTo() + ": " + e.getMessage());
        return 2;
      }
    }
    try {
      for (String path : request.paths()) {
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
}
