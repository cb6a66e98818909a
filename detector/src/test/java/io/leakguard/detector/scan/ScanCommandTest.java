package io.leakguard.detector.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.edge.RawContent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final String id = SyntheticKeys.accessKeyId();
  private final String secret = SyntheticKeys.secret();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> published = new ArrayList<>();
  private final List<RawContent> publishedContent = new ArrayList<>();
  private String openedWith;

  /** Scans {@code paths}; {@code publishTo} is the Kafka to publish to, or null. */
  private int scan(InputStream stdin, String publishTo, String prefix, String... paths) {
    return scan(stdin, publishTo, prefix, 1, paths);
  }

  private int scan(InputStream stdin, String publishTo, String prefix, int threads, String... paths) {
    RawContentSink.Factory sinks = (bootstrap, topicPrefix) -> {
      openedWith = bootstrap + " " + topicPrefix;
      return new RawContentSink() {
        @Override
        public void send(String key, RawContent content) {
          published.add(key);
          publishedContent.add(content);
        }

        @Override
        public void close() { }
      };
    };
    return ScanCommand.run(new ScanCommand.Request(List.of(paths), publishTo, prefix, threads), stdin,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), sinks);
  }

  private int scan(String... paths) {
    return scan(InputStream.nullInputStream(), null, "leakguard.", paths);
  }

  private List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldPrintOneJsonLinePerFindingAndExitOneWhenKeysAreFound() throws Exception {
    // Given
    Path env = Files.writeString(dir.resolve(".env"), "# app\nALIBABA_CLOUD_ACCESS_KEY_ID=" + id
        + "\nALIBABA_CLOUD_ACCESS_KEY_SECRET=" + secret + "\n");

    // When
    int exit = scan(env.toString());

    // Then
    assertEquals(1, exit);
    List<JsonNode> findings = lines();
    assertEquals(1, findings.size());
    JsonNode finding = findings.get(0);
    assertEquals(env.toString(), finding.get("path").asText());
    assertEquals(2, finding.get("line").asInt());
    assertEquals(29, finding.get("column").asInt());
    assertEquals("access_key", finding.get("kind").asText());
    assertEquals(id, finding.get("accessKeyId").asText());
    assertTrue(finding.get("secretFound").asBoolean());
    assertEquals(KeyForms.fingerprint(secret), finding.get("fingerprint").asText());
    assertEquals(KeyForms.mask(id), finding.get("masked").asText());
    assertEquals(8, finding.size(), "exactly the documented fields");
    assertFalse(output().contains(secret), "the secret is never printed");
  }

  @Test
  void shouldReportTheSameFindingsInTheSameOrderOnManyThreads() throws Exception {
    // Given 200 files in seven directories, a third of them with a key
    for (int i = 0; i < 200; i++) {
      Path file = dir.resolve("d" + (i % 7)).resolve(String.format("f%03d.env", i));
      Files.createDirectories(file.getParent());
      String key = i % 3 == 0 ? SyntheticKeys.accessKeyId() : null;
      Files.writeString(file, "line\n".repeat(i % 11) + (key == null ? "nothing here\n" : "AK=" + key + "\n"));
    }

    // When scanned on one thread and on four
    int one = scan(InputStream.nullInputStream(), null, "leakguard.", 1, dir.toString());
    String single = out.toString(StandardCharsets.UTF_8);
    out.reset();
    int four = scan(InputStream.nullInputStream(), null, "leakguard.", 4, dir.toString());

    // Then the same 67 lines, byte for byte
    assertEquals(1, one);
    assertEquals(1, four);
    assertEquals(67, single.split("\n").length);
    assertEquals(single, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldExitZeroAndPrintNothingWhenThereIsNoKey() throws Exception {
    Path file = Files.writeString(dir.resolve("app.log"), "INFO started\nWARN slow request " + SyntheticKeys.secret() + "\n");

    assertEquals(0, scan(file.toString()));
    assertTrue(lines().isEmpty());
  }

  @Test
  void shouldScanDirectoriesRecursivelyInPathOrderSkippingGit() throws Exception {
    // Given keys in nested files, and one inside .git
    Files.createDirectories(dir.resolve("b/deep"));
    Files.createDirectories(dir.resolve(".git/objects"));
    String stsId = SyntheticKeys.stsAccessKeyId();
    Files.writeString(dir.resolve("b/deep/config.yaml"), "sts:\n  id: " + stsId + "\n  secret: " + SyntheticKeys.random(40) + "\n");
    Files.writeString(dir.resolve("a.properties"), "oss.key=" + id + "\noss.secret=" + secret + "\n");
    Files.writeString(dir.resolve(".git/objects/leak"), "key=" + SyntheticKeys.accessKeyId() + "\n");

    // When
    int exit = scan(dir.toString());

    // Then
    assertEquals(1, exit);
    List<JsonNode> findings = lines();
    assertEquals(2, findings.size());
    assertEquals(dir.resolve("a.properties").toString(), findings.get(0).get("path").asText());
    assertEquals(dir.resolve("b/deep/config.yaml").toString(), findings.get(1).get("path").asText());
    assertEquals("sts", findings.get(1).get("kind").asText());
    assertEquals(stsId, findings.get(1).get("accessKeyId").asText());
  }

  @Test
  void shouldReadStandardInputForADash() throws Exception {
    // Given
    InputStream stdin = new ByteArrayInputStream(("key " + id + " secret " + secret).getBytes(StandardCharsets.UTF_8));

    // When
    int exit = scan(stdin, null, "leakguard.", "-");

    // Then
    assertEquals(1, exit);
    assertEquals("-", lines().get(0).get("path").asText());
    assertFalse(output().contains(secret));
  }

  @Test
  void shouldReadTheProcessStandardInputThroughThePublicEntryPoint() throws Exception {
    // Given the process's stdin and stdout redirected
    InputStream originalIn = System.in;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setIn(new ByteArrayInputStream(("id=" + id + "\nsecret=" + secret + "\n").getBytes(StandardCharsets.UTF_8)));
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      // When
      exit = ScanCommand.run(new ScanCommand.Request(List.of("-"), null, "leakguard."));
    } finally {
      System.setIn(originalIn);
      System.setOut(originalOut);
    }

    // Then
    assertEquals(1, exit);
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("\"accessKeyId\":\"" + id + "\""));
    assertFalse(printed.contains(secret));
  }

  @Test
  void shouldReadUtf16FilesAsTextWithOrWithoutAByteOrderMark() throws Exception {
    // Given the same pair as PowerShell's Out-File writes it (UTF-16LE with a byte order mark), without the mark,
    // big-endian, and as UTF-8 with a mark
    String text = "$env:ALIBABA_CLOUD_ACCESS_KEY_ID = \"" + id + "\"\r\n$env:ALIBABA_CLOUD_ACCESS_KEY_SECRET = \""
        + secret + "\"\r\n";
    Files.write(dir.resolve("a-le-bom.ps1"), concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
        text.getBytes(StandardCharsets.UTF_16LE)));
    Files.write(dir.resolve("b-le.txt"), text.getBytes(StandardCharsets.UTF_16LE));
    Files.write(dir.resolve("c-be-bom.txt"), text.getBytes(StandardCharsets.UTF_16)); // Java writes BE with a mark
    Files.write(dir.resolve("d-utf8-bom.txt"), concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
        text.getBytes(StandardCharsets.UTF_8)));

    // When
    int exit = scan(dir.toString());

    // Then each is found, paired, on line 1 at the column of the ID
    assertEquals(1, exit);
    List<JsonNode> findings = lines();
    assertEquals(4, findings.size(), output());
    for (JsonNode finding : findings) {
      assertEquals(id, finding.get("accessKeyId").asText());
      assertEquals(KeyForms.fingerprint(secret), finding.get("fingerprint").asText());
      assertEquals(1, finding.get("line").asInt());
      assertEquals(text.indexOf(id) + 1, finding.get("column").asInt());
    }
  }

  @Test
  void shouldScanWhatAGzipFileHolds() throws Exception {
    // Given a rotated log, compressed, the pair on its third line; and a file that only starts like gzip
    String log = "2026-11-30 10:00:00 INFO start\n2026-11-30 10:00:01 INFO config\naccess_key_id=" + id
        + " access_key_secret=" + secret + "\n";
    java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(compressed)) {
      gzip.write(log.getBytes(StandardCharsets.UTF_8));
    }
    Path rotated = Files.write(dir.resolve("app.log.1.gz"), compressed.toByteArray());
    Path broken = Files.write(dir.resolve("broken.gz"), new byte[] {0x1F, (byte) 0x8B, 1, 2, 3});

    // When
    int exit = scan(rotated.toString(), broken.toString());

    // Then the key is found at its line in the decompressed text; the broken file is an error, named
    List<JsonNode> findings = lines();
    assertEquals(1, findings.size());
    assertEquals(3, findings.get(0).get("line").asInt());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).get("fingerprint").asText());
    assertEquals(2, exit, "an unreadable file makes the scan incomplete");
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("broken.gz: not a readable gzip file"), output());
  }

  private static byte[] concat(byte[] head, byte[] tail) {
    byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    return all;
  }

  @Test
  void shouldSkipBinaryFiles() throws Exception {
    // Given a file with a NUL byte, holding a key
    byte[] bytes = ("\0\1\2 key=" + id + " secret=" + secret).getBytes(StandardCharsets.ISO_8859_1);
    Path binary = Files.write(dir.resolve("image.png"), bytes);

    // When scanned inside a directory, then by name
    int inDirectory = scan(dir.toString());
    String quiet = err.toString(StandardCharsets.UTF_8);
    int named = scan(binary.toString());

    // Then nothing is reported; a named binary file gets a note
    assertEquals(0, inDirectory);
    assertEquals(0, named);
    assertTrue(lines().isEmpty());
    assertTrue(quiet.isEmpty());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("binary, skipped"));
  }

  @Test
  void shouldRefuseAFileOverTheSizeCapWithAClearMessage() throws Exception {
    // Given a (sparse) file one byte over the cap
    Path big = dir.resolve("huge.log");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(ScanCommand.MAX_FILE_BYTES + 1L);
    }

    // When
    int exit = scan(big.toString());

    // Then
    assertEquals(2, exit);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("over the 64 MB limit"));
  }

  @Test
  void shouldExitTwoOnAMissingPathButStillReportTheOthers() throws Exception {
    Path file = Files.writeString(dir.resolve("ok.txt"), id + " " + secret);

    int exit = scan(dir.resolve("missing").toString(), file.toString());

    assertEquals(2, exit);
    assertEquals(1, lines().size());
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file or directory"));
  }

  @Test
  void shouldPublishOnlyTheFilesWithFindings() throws Exception {
    // Given one file with a key and one without
    Path leaky = Files.writeString(dir.resolve("leaky.env"), "AK=" + id + "\nSK=" + secret + "\n");
    Files.writeString(dir.resolve("clean.txt"), "nothing here\n");

    // When
    int exit = scan(InputStream.nullInputStream(), "broker:9092", "staging.", dir.toString());

    // Then the leaky file's content goes to the pipeline as raw content
    assertEquals(1, exit);
    assertEquals("broker:9092 staging.", openedWith);
    assertEquals(List.of(leaky.toString()), published);
    RawContent content = publishedContent.get(0);
    assertEquals("leakguard-scan", content.source());
    assertEquals(leaky.toString(), content.location());
    assertEquals(Files.readString(leaky), content.content());
  }

  @Test
  void shouldExitTwoWhenPublishingFails() throws Exception {
    // Given a sink that refuses every record
    Path leaky = Files.writeString(dir.resolve("leaky.env"), "AK=" + id + "\nSK=" + secret + "\n");
    RawContentSink.Factory failing = (bootstrap, prefix) -> new RawContentSink() {
      @Override
      public void send(String key, RawContent content) {
        throw new IllegalStateException("record too large");
      }

      @Override
      public void close() { }
    };

    // When
    int exit = ScanCommand.run(new ScanCommand.Request(List.of(leaky.toString()), "b:9092", "leakguard."),
        InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), failing);

    // Then
    assertEquals(2, exit);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot publish: record too large"));
    assertFalse(output().contains(secret));
  }
}
