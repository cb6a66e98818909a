package io.leakguard.detector.bench;

import io.leakguard.detector.Finding;
import io.leakguard.detector.Scanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scan throughput on log-like text with rare keys (one pair per MB), on one core, next to ripgrep ({@code rg -j1})
 * with the equivalent patterns measured in the same run, and two in-JVM baselines: a bare {@code String.indexOf}
 * literal pass and a naive {@code java.util.regex} pass. Prints figures; asserts nothing about time. The ratio is the
 * scanner's median over rg's median with the patterns (rg with the literals alone is printed too, for reference).
 *
 * <p>Then the same text as {@value #FILES} files on 1 and 2 threads, beside {@code rg -j1} and {@code rg -j2} on the
 * same files. Run from the repository root ({@code --mb N} sets the corpus size, default 128):
 * <pre>
 * mvn -q -pl detector -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$PWD/cp.txt
 * java -cp detector/target/test-classes:detector/target/classes:$(cat cp.txt) \
 *     io.leakguard.detector.bench.ScanBenchmark [--mb 256]
 * </pre>
 * ripgrep ({@code apt-get install -y ripgrep}) is optional: without {@code rg} on the path its part is skipped with a
 * message. rg reads the corpus from a temporary file (in the page cache after a warm-up run, process start included);
 * the scanner scans the same text already in memory as a {@code String}, as the detector does.
 */
public final class ScanBenchmark {

  private static final int MB = 1 << 20;
  private static final int RUNS = 7;
  private static final int FILES = 8;
  /** What the scanner's prefilter looks for, as rg patterns: the two ID forms and the base64 forms of their prefixes. */
  private static final List<String> RG_PATTERNS = List.of(
      "(?-u:\\b)LTAI[A-Za-z0-9]{12,20}(?-u:\\b)",
      "(?-u:\\b)STS\\.[A-Za-z0-9]{16,64}(?-u:\\b)",
      "TFRBS|xUQU|MVEFJ|U1RTL|NUUy|TVFMu");

  /** The same as fixed strings only: rg's literal search alone, the fastest it can be on this corpus. */
  private static final List<String> RG_LITERALS = List.of("LTAI", "STS.", "TFRBS", "xUQU", "MVEFJ", "U1RTL", "NUUy",
      "TVFMu");

  private ScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    int megabytes = args.length >= 2 && args[0].equals("--mb") ? Integer.parseInt(args[1]) : 128;
    LogCorpus.Corpus corpus = LogCorpus.generate(megabytes * MB, MB, 42);
    String text = corpus.text();
    double size = text.length() / (double) MB;
    System.out.printf("corpus: %.1f MB of log-like text, %d key pairs (one per MB), %s, %d cores%n",
        size, corpus.pairs(), System.getProperty("java.vm.name") + " " + Runtime.version(),
        Runtime.getRuntime().availableProcessors());

    Scanner scanner = new Scanner();
    List<Finding> findings = scanner.scan(text);
    long paired = findings.stream().filter(Finding::secretFound).count();
    System.out.printf("scanner found %d IDs, %d paired (expected %d)%n", findings.size(), paired, corpus.pairs());

    double scannerRate = report("scanner (Scanner.scan, 1 thread)", size, () -> scanner.scan(text).size());
    report("baseline: String.indexOf(\"LTAI\") pass", size, () -> countIndexOf(text, "LTAI"));
    String slice = text.substring(0, Math.min(text.length(), 16 * MB));
    Pattern naive = Pattern.compile("\\b(?:LTAI[A-Za-z0-9]{12,20}|STS\\.[A-Za-z0-9]{16,64})\\b");
    report("baseline: naive java.util.regex pass (16 MB slice)", slice.length() / (double) MB,
        () -> countMatches(naive, slice));

    Path file = Files.createTempFile("leakguard-scan-bench", ".log");
    try {
      Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
      double rgRate = ripgrep(file, size);
      if (rgRate > 0) {
        System.out.printf("ratio scanner / rg: %.2f%n", scannerRate / rgRate);
      }
    } finally {
      Files.deleteIfExists(file);
    }
    threads(text, size);
  }

  /**
   * Several files at once, as {@code leakguard scan -j N} and {@code rg -jN} do: the corpus as {@value #FILES} files
   * cut at line ends, scanned on 1 and 2 threads (the scanner: a task per file on a pool), rg on the same files.
   */
  private static void threads(String text, double size) throws Exception {
    List<String> files = new ArrayList<>();
    int from = 0;
    for (int k = 1; k <= FILES; k++) {
      int to = k == FILES ? text.length() : text.indexOf('\n', (int) ((long) text.length() * k / FILES)) + 1;
      files.add(text.substring(from, to));
      from = to;
    }
    Scanner scanner = new Scanner();
    Path dir = Files.createTempDirectory("leakguard-scan-bench");
    try {
      for (int k = 0; k < FILES; k++) {
        Files.writeString(dir.resolve("part" + k + ".log"), files.get(k), StandardCharsets.ISO_8859_1);
      }
      for (int threads : new int[] {1, 2}) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
          report("scanner, " + FILES + " files, " + threads + " thread" + (threads > 1 ? "s" : ""), size, () -> {
            List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (String part : files) {
              results.add(pool.submit(() -> scanner.scanEveryOccurrence(part).size()));
            }
            int found = 0;
            for (java.util.concurrent.Future<Integer> result : results) {
              found += result.get();
            }
            return found;
          });
        } finally {
          pool.shutdown();
        }
        List<String> command = new ArrayList<>(List.of("rg", "-j" + threads, "--no-config", "--no-ignore", "-c"));
        RG_PATTERNS.forEach(p -> command.addAll(List.of("-e", p)));
        command.add(dir.toString());
        try {
          report("ripgrep, " + FILES + " files, rg -j" + threads, size, () -> run(command).length());
        } catch (IOException e) {
          System.out.println("rg: not found on the PATH, skipped");
        }
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  interface Work {
    int run() throws Exception;
  }

  /** Best and median of {@value #RUNS} runs after warm-up; returns the median in MB/s. */
  private static double report(String name, double megabytes, Work work) throws Exception {
    for (int i = 0; i < 3; i++) {
      work.run();
    }
    double[] rates = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      work.run();
      rates[i] = megabytes / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(rates);
    double median = rates[RUNS / 2];
    System.out.printf("%-52s median %7.0f MB/s, best %7.0f MB/s%n", name, median, rates[RUNS - 1]);
    return median;
  }

  private static double ripgrep(Path file, double megabytes) throws Exception {
    List<String> command = new ArrayList<>(List.of("rg", "-j1", "--no-config", "--no-ignore", "-c"));
    RG_PATTERNS.forEach(p -> command.addAll(List.of("-e", p)));
    command.add(file.toString());
    try {
      String version = run(List.of("rg", "--version")).split("\n")[0];
      System.out.println("rg: " + version + ", patterns " + RG_PATTERNS);
    } catch (IOException e) {
      System.out.println("rg: not found on the PATH, its part is skipped (Debian: apt-get install -y ripgrep)");
      return -1;
    }
    System.out.println("rg matching lines: " + run(command).trim());
    double rate = report("ripgrep (rg -j1, file in page cache)", megabytes, () -> run(command).length());
    List<String> literals = new ArrayList<>(List.of("rg", "-j1", "--no-config", "--no-ignore", "-c", "-F"));
    RG_LITERALS.forEach(p -> literals.addAll(List.of("-e", p)));
    literals.add(file.toString());
    report("ripgrep, literals only (rg -j1 -F, reference)", megabytes, () -> run(literals).length());
    return rate;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish");
    }
    return new String(output, StandardCharsets.UTF_8);
  }

  private static int countIndexOf(String text, String literal) {
    int count = 0;
    for (int i = text.indexOf(literal); i >= 0; i = text.indexOf(literal, i + 1)) {
      count++;
    }
    return count;
  }

  private static int countMatches(Pattern pattern, String text) {
    int count = 0;
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      count++;
    }
    return count;
  }
}
