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
 * credentials and prints one JSON object per finding (every occurrence of a key, each with the secret found for it
 * in the file), one per line, in path then line order:
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

  private final int threads;

  private ScanCommand(PrintStream out, PrintStream err, InputStream stdin, int threads) {
    this.out = out;
    this.err = err;
    this.stdin = stdin;
    this.threads = threads;
  }

  /**
   * What to scan and where to publish.
   *
   * @param paths       files, directories (recursively) or {@code -} for standard input
   * @param publishTo   Kafka bootstrap servers to produce files with findings to, or null to only report
   * @param topicPrefix the topic name prefix
   */
  public record Request(List<String> paths, String publishTo, String topicPrefix, int threads) {
    public Request {
      paths = List.copyOf(paths);
      new TopicCatalog(topicPrefix); // validates the prefix
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be 1 or more, not " + threads);
      }
    }

    /** Scans with one thread per core. */
    public Request(List<String> paths, String publishTo, String topicPrefix) {
      this(paths, publishTo, topicPrefix, Runtime.getRuntime().availableProcessors());
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
    ScanCommand command = new ScanCommand(out, err, stdin, request.threads());
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
      scanFiles(filesUnder(file), sink);
    } else if (Files.isRegularFile(file)) {
      apply(scanFile(file, true), sink);
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

  /**
   * Scans files on {@link #threads} threads ({@link InOrder}): each file is read and scanned by a worker, its
   * findings printed (and published) by this thread once every file before it is.
   */
  private void scanFiles(List<Path> files, RawContentSink sink) {
    InOrder.run(files, threads, "leakguard-scan", file -> scanFile(file, false), result -> apply(result, sink));
  }

  /** What scanning one file gave: its findings, or the error or note to print instead, and its content to publish. */
  private record FileResult(String path, List<Finding> findings, String content, String error, String note) {}

  private FileResult scanFile(Path file, boolean named) {
    String path = file.toString();
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        return new FileResult(path, List.of(), null,
            (size >> 20) + " MB is over the " + MAX_FILE_MB + " MB limit of one file; not scanned", null);
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return new FileResult(path, List.of(), null, describe(e), null);
    }
    return scanBytes(path, bytes, named);
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
    apply(scanBytes("-", bytes, true), sink);
  }

  /** Scans one file's bytes; no output, so that any thread may call it. */
  private FileResult scanBytes(String path, byte[] bytes, boolean named) {
    if (isGzip(bytes)) {
      // A rotated log (app.log.1.gz), a compressed dump: scanned as what it holds, lines counted in that.
      try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(
          new java.io.ByteArrayInputStream(bytes))) {
        bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      } catch (IOException e) {
        return new FileResult(path, List.of(), null, "not a readable gzip file: " + describe(e), null);
      }
      if (bytes.length > MAX_FILE_BYTES) {
        return new FileResult(path, List.of(), null,
            "over the " + MAX_FILE_MB + " MB limit of one file once decompressed; not scanned", null);
      }
    }
    String content = text(bytes);
    if (content == null) {
      return new FileResult(path, List.of(), null, null, named ? "binary, skipped" : null);
    }
    return new FileResult(path, scanner.scanEveryOccurrence(content), content, null, null);
  }

  /** Prints one file's findings, error or note, and publishes the file if it has findings. */
  private void apply(FileResult result, RawContentSink sink) {
    if (result.error() != null) {
      error(result.path(), result.error());
      return;
    }
    if (result.note() != null) {
      err.println("leakguard scan: " + result.path() + ": " + result.note());
    }
    for (Finding finding : result.findings()) {
      out.println(json(result.path(), finding));
    }
    findings += result.findings().size();
    if (sink != null && !result.findings().isEmpty()) {
      try {
        sink.send(result.path(), new RawContent(SOURCE, result.path(), result.content(), null));
      } catch (Exception e) {
        error(result.path(), "cannot publish: " + InOrder.reason(e));
      }
    }
  }

  /**
   * A file's bytes as text, or null when they are binary. UTF-8 (a byte order mark dropped) unless a byte order mark
   * or the file's zero bytes say UTF-16: Windows PowerShell 5 writes UTF-16LE by default ({@code Out-File}, {@code >}),
   * and so do registry exports and some editors, and every other byte of such ASCII text is zero. Any other zero byte
   * in the first {@value #BINARY_SNIFF} bytes makes the file binary.
   */
  static String text(byte[] bytes) {
    if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) {
      return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    }
    if (startsWith(bytes, 0xFF, 0xFE)) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
    }
    if (startsWith(bytes, 0xFE, 0xFF)) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
    }
    int sniff = Math.min(bytes.length, BINARY_SNIFF) & ~1;
    int evenZeros = 0;
    int oddZeros = 0;
    for (int i = 0; i < sniff; i += 2) {
      evenZeros += bytes[i] == 0 ? 1 : 0;
      oddZeros += bytes[i + 1] == 0 ? 1 : 0;
    }
    int pairs = sniff / 2;
    if (pairs >= UTF16_MIN_PAIRS && evenZeros == 0 && oddZeros * 10 >= pairs * 9) {
      return new String(bytes, StandardCharsets.UTF_16LE);
    }
    if (pairs >= UTF16_MIN_PAIRS && oddZeros == 0 && evenZeros * 10 >= pairs * 9) {
      return new String(bytes, StandardCharsets.UTF_16BE);
    }
    boolean binary = evenZeros + oddZeros > 0 || (sniff < Math.min(bytes.length, BINARY_SNIFF) && bytes[sniff] == 0);
    return binary ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** gzip's magic number (RFC 1952, section 2.3.1). */
  private static boolean isGzip(byte[] bytes) {
    return startsWith(bytes, 0x1F, 0x8B);
  }

  /** Fewer characters than this are too few to tell UTF-16 text by its zero bytes. */
  private static final int UTF16_MIN_PAIRS = 8;

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
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

  static String quote(String value) {
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
