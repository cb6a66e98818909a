package io.leakguard.cli;

import io.leakguard.detector.scan.ScanCommand;
import io.leakguard.schemas.TopicCatalog;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code leakguard scan [-j N] [--publish] PATH...}: the detector's scanner on files, directories or standard input. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Scan files, directories (recursively; .git skipped) or - (standard input) for leaked Alibaba "
        + "Cloud credentials.", "Prints one JSON object per finding, one per line: path, line, column, kind "
        + "(access_key | sts), accessKeyId, secretFound, fingerprint (SHA-256 of the secret, or null), masked. "
        + "Never the secret. Binary files are skipped; files over 64 MB are not scanned (an error)."},
    footer = {"", "Exit codes: 0 no findings, 1 findings, 2 usage or I/O error (the scan is incomplete).", "",
        "Examples:", "  leakguard scan ./app/config", "  git show HEAD:deploy.env | leakguard scan -",
        "  leakguard scan --publish ./incident-dump   (files with findings go to the pipeline)"})
final class ScanCommandLine implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "a file, a directory or - for standard input; "
      + "relative paths are taken from the working directory")
  List<String> paths;

  @Option(names = "--publish", description = "also produce each file with findings to the raw-content topic, for "
      + "the pipeline to remediate")
  boolean publish;

  @Option(names = {"-j", "--threads"}, paramLabel = "N", description = "files scanned at once (default: the number "
      + "of cores, ${DEFAULT-VALUE} here); output stays in path order")
  int threads = Runtime.getRuntime().availableProcessors();

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() {
    // Paths are resolved against the caller's working directory (the launcher never changes it) and printed as given.
    if (threads < 1) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "-j must be 1 or more, not " + threads);
    }
    if (!publish) {
      return ScanCommand.run(new ScanCommand.Request(paths, null, TopicCatalog.DEFAULT_PREFIX, threads));
    }
    KafkaTarget target = kafka.target();
    return ScanCommand.run(new ScanCommand.Request(paths, target.bootstrapServers(), target.topicPrefix(), threads));
  }
}
