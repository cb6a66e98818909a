package io.leakguard.cli;

import io.leakguard.detector.scan.ScanCommand;
import io.leakguard.schemas.TopicCatalog;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code leakguard scan [-j N] [--publish] [--git [--all-objects] [--since-commit C] [--state F]] PATH...}: the detector's scanner on files, directories or standard input. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Scan files, directories (recursively; .git skipped) or - (standard input) for leaked Alibaba "
        + "Cloud credentials.", "Prints one JSON object per finding, one per line: path, line, column, kind "
        + "(access_key | sts), accessKeyId, secretFound, fingerprint (SHA-256 of the secret, or null), masked. "
        + "Never the secret. Binary files are skipped; files over 64 MB are not scanned (an error)."},
    footer = {"", "Exit codes: 0 no findings, 1 findings, 2 usage or I/O error (the scan is incomplete).", "",
        "Examples:", "  leakguard scan ./app/config", "  git show HEAD:deploy.env | leakguard scan -",
        "  leakguard scan --publish ./incident-dump   (files with findings go to the pipeline)",
        "  leakguard scan --git --all-objects ./repo   (all history, unreachable objects too)",
        "  leakguard scan --git --state .leakguard-git-state https://git.example.com/team/app.git"})
final class ScanCommandLine implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "a file, a directory or - for standard input; "
      + "relative paths are taken from the working directory")
  List<String> paths;

  @Option(names = "--git", description = "PATH is a git repository (a directory, bare or not, or a URL to clone): "
      + "scan every blob of every commit on every ref, stash and reflog, each blob once")
  boolean git;

  @Option(names = "--all-objects", description = "with --git: also every commit and blob no ref reaches (deleted "
      + "branches, dropped stashes, force-pushed history still in the object database)")
  boolean allObjects;

  @Option(names = "--since-commit", paramLabel = "COMMIT", description = "with --git: leave out what COMMIT reaches "
      + "(a CI job scanning only new history)")
  String sinceCommit;

  @Option(names = "--state", paramLabel = "FILE", description = "with --git: leave out what the last run with this "
      + "FILE reached, and record this run's tips in it")
  java.nio.file.Path stateFile;

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
    if (git) {
      if (paths.size() != 1 || paths.get(0).equals("-")) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "--git takes one repository (a directory or a URL), not " + paths);
      }
      KafkaTarget target = publish ? kafka.target() : null;
      return io.leakguard.detector.scan.GitScan.run(new io.leakguard.detector.scan.GitScan.Request(paths.get(0),
          allObjects, sinceCommit, stateFile, target == null ? null : target.bootstrapServers(),
          target == null ? TopicCatalog.DEFAULT_PREFIX : target.topicPrefix(), threads));
    }
    if (allObjects || sinceCommit != null || stateFile != null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "--all-objects, --since-commit and --state need --git");
    }
    if (!publish) {
      return ScanCommand.run(new ScanCommand.Request(paths, null, TopicCatalog.DEFAULT_PREFIX, threads));
    }
    KafkaTarget target = kafka.target();
    return ScanCommand.run(new ScanCommand.Request(paths, target.bootstrapServers(), target.topicPrefix(), threads));
  }
}
