package io.leakguard.detector.bench;

import io.leakguard.detector.Finding;
import io.leakguard.detector.Scanner;
import io.leakguard.detector.scan.GitScan;
import io.leakguard.testkit.SyntheticKeys;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * {@code leakguard scan --git} on a repository this benchmark generates: {@value #COMMITS} commits on {@code main}
 * over {@value #DIRECTORIES} × {@value #FILES_PER_DIRECTORY} files of log-like text and configuration, one to three
 * files changed per commit, a few leaks committed and later removed on {@code main}, and a few in branches that were
 * deleted (their commits unreachable). Measured in one run: the git scan with every object on 1 and 2 threads, in MB
 * of blob content per second, beside the baseline {@code git log -p --all | leakguard scan -} (the git binary's
 * patches, read and scanned in this JVM, so the time is git's plus one scan). Prints figures; asserts nothing.
 *
 * <p>Real repositories are packed, so this one is too (JGit's gc) before anything is measured.
 *
 * <p>Run from the repository root (the first command compiles and writes the classpath; {@code git} on the path for
 * the baseline):
 * <pre>
 * mvn -q -pl detector -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$PWD/cp.txt
 * java -cp detector/target/test-classes:detector/target/classes:$(cat cp.txt) \
 *     io.leakguard.detector.bench.GitScanBenchmark [--commits N]
 * </pre>
 */
public final class GitScanBenchmark {

  private static final int COMMITS = 20_000;
  private static final int DIRECTORIES = 40;
  private static final int FILES_PER_DIRECTORY = 50;
  private static final int LEAKS_ON_MAIN = 5;
  private static final int DELETED_BRANCH_LEAKS = 5;
  private static final String[] WORDS = {"INFO", "WARN", "request", "served", "user", "latency", "ms", "cache", "miss",
      "hit", "order", "payment", "retry", "session", "region", "cn-hangzhou", "status", "200", "404", "queue"};

  private GitScanBenchmark() {}

  public static void main(String[] args) throws Exception {
    int commits = args.length >= 2 && args[0].equals("--commits") ? Integer.parseInt(args[1]) : COMMITS;
    Path dir = Files.createTempDirectory("leakguard-git-bench");
    try {
      long start = System.nanoTime();
      int[] leaks = generate(dir.toFile(), commits);
      System.out.printf("repository: %d commits on main over %d files, %d leaks on main and %d in deleted branches, "
          + "generated and packed in %.1f s; %d cores, %s%n", commits, DIRECTORIES * FILES_PER_DIRECTORY, leaks[0],
          leaks[1], (System.nanoTime() - start) / 1e9, Runtime.getRuntime().availableProcessors(), Runtime.version());
      for (int round = 0; round < 2; round++) {
        for (int threads : new int[] {1, 2}) {
          measureGitScan(dir, threads, round == 1);
        }
        measureGitLogBaseline(dir, round == 1);
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void measureGitScan(Path dir, int threads, boolean print) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    long start = System.nanoTime();
    GitScan.Stats stats = GitScan.measure(new GitScan.Request(dir.toString(), true, null, null, null, "leakguard.",
        threads), new PrintStream(sink, true, StandardCharsets.UTF_8));
    double seconds = (System.nanoTime() - start) / 1e9;
    double megabytes = stats.bytes() / (double) (1 << 20);
    if (print) {
      System.out.printf("scan --git --all-objects -j%d: %d commits, %d blobs, %.0f MB of blobs in %.1f s: %.1f MB/s "
          + "(%.1f MB/s per thread), %d findings%n", threads, stats.commits(), stats.blobs(), megabytes, seconds,
          megabytes / seconds, megabytes / seconds / threads, stats.findings());
    }
  }

  /** {@code git log -p --all}, its output scanned: the way to scan history without a history-aware scanner. */
  private static void measureGitLogBaseline(Path dir, boolean print) throws Exception {
    long start = System.nanoTime();
    Process git = new ProcessBuilder("git", "-C", dir.toString(), "log", "-p", "--all").redirectErrorStream(false)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] patches;
    try (InputStream in = git.getInputStream()) {
      patches = in.readAllBytes();
    }
    git.waitFor();
    List<Finding> findings = new Scanner().scanEveryOccurrence(new String(patches, StandardCharsets.UTF_8));
    double seconds = (System.nanoTime() - start) / 1e9;
    if (print) {
      System.out.printf("baseline git log -p --all | scan -: %.0f MB of patches in %.1f s: %.1f MB/s of patches, "
          + "%d findings (reachable history only, each leak once per patch line that adds or removes it)%n",
          patches.length / (double) (1 << 20), seconds, patches.length / (double) (1 << 20) / seconds,
          findings.size());
    }
  }

  /** Writes the repository with JGit's object inserter (no working tree), then packs it. */
  private static int[] generate(File dir, int commits) throws Exception {
    try (Repository repository = new FileRepositoryBuilder().setGitDir(new File(dir, ".git")).build()) {
      repository.create();
      SplittableRandom random = new SplittableRandom(7);
      List<TreeMap<String, ObjectId>> files = new ArrayList<>();
      ObjectId[] subtrees = new ObjectId[DIRECTORIES];
      int branchLeaks = 0;
      List<int[]> leaked = new ArrayList<>();
      try (ObjectInserter inserter = repository.newObjectInserter()) {
        for (int d = 0; d < DIRECTORIES; d++) {
          TreeMap<String, ObjectId> directory = new TreeMap<>();
          for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
            directory.put("file" + f + ".log", blob(inserter, text(random, null)));
          }
          files.add(directory);
          subtrees[d] = tree(inserter, directory);
        }
        ObjectId parent = null;
        long time = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();
        for (int c = 0; c < commits; c++) {
          int changes = 1 + random.nextInt(3);
          for (int k = 0; k < changes; k++) {
            int d = random.nextInt(DIRECTORIES);
            int f = random.nextInt(FILES_PER_DIRECTORY);
            String leak = null;
            if (leaked.size() < LEAKS_ON_MAIN && c == (leaked.size() + 1) * commits / (LEAKS_ON_MAIN + 1)) {
              leak = "ALIBABA_CLOUD_ACCESS_KEY_ID=" + SyntheticKeys.accessKeyId() + "\nALIBABA_CLOUD_ACCESS_KEY_SECRET="
                  + SyntheticKeys.secret() + "\n";
              leaked.add(new int[] {d, f});
            }
            files.get(d).put("file" + f + ".log", blob(inserter, text(random, leak)));
            subtrees[d] = tree(inserter, files.get(d));
          }
          parent = commit(inserter, root(inserter, subtrees), parent, time += 600, "change " + c);
          if (c % (commits / (DELETED_BRANCH_LEAKS + 1)) == 1 && branchLeaks < DELETED_BRANCH_LEAKS) {
            // a branch with a leak, whose ref is then deleted: the commit stays in the object database only
            TreeMap<String, ObjectId> branchFiles = new TreeMap<>(files.get(0));
            branchFiles.put("leak.env", blob(inserter, text(random, "ACCESS_KEY_ID=" + SyntheticKeys.accessKeyId()
                + "\nACCESS_KEY_SECRET=" + SyntheticKeys.secret() + "\n")));
            ObjectId[] branch = subtrees.clone();
            branch[0] = tree(inserter, branchFiles);
            commit(inserter, root(inserter, branch), parent, time + 1, "feature " + c);
            branchLeaks++;
          }
        }
        inserter.flush();
        RefUpdate main = repository.updateRef("refs/heads/main");
        main.setNewObjectId(parent);
        main.setForceUpdate(true);
        main.update();
      }
      // Packed, as a real repository is: what main reaches goes into a pack, the deleted branches stay loose.
      org.eclipse.jgit.api.Git.wrap(repository).gc().call();
      return new int[] {leaked.size(), branchLeaks};
    }
  }

  private static String text(SplittableRandom random, String leak) {
    StringBuilder text = new StringBuilder(3000);
    int lines = 30 + random.nextInt(30);
    for (int i = 0; i < lines; i++) {
      text.append("2024-01-01T00:00:").append(10 + random.nextInt(50)).append("Z");
      for (int w = 0; w < 8; w++) {
        text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
      }
      text.append(" id=").append(Long.toHexString(random.nextLong())).append('\n');
      if (leak != null && i == lines / 2) {
        text.append(leak);
      }
    }
    return text.toString();
  }

  private static ObjectId blob(ObjectInserter inserter, String text) throws Exception {
    return inserter.insert(Constants.OBJ_BLOB, text.getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectId tree(ObjectInserter inserter, TreeMap<String, ObjectId> entries) throws Exception {
    TreeFormatter tree = new TreeFormatter();
    entries.forEach((name, id) -> tree.append(name, FileMode.REGULAR_FILE, id));
    return inserter.insert(tree);
  }

  private static ObjectId root(ObjectInserter inserter, ObjectId[] subtrees) throws Exception {
    TreeFormatter tree = new TreeFormatter();
    for (int d = 0; d < subtrees.length; d++) {
      tree.append(String.format("dir%02d", d), FileMode.TREE, subtrees[d]);
    }
    return inserter.insert(tree);
  }

  private static ObjectId commit(ObjectInserter inserter, ObjectId tree, ObjectId parent, long time, String message)
      throws Exception {
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(tree);
    if (parent != null) {
      commit.setParentId(parent);
    }
    PersonIdent who = new PersonIdent("Bench", "bench@example.com", Instant.ofEpochSecond(time), ZoneOffset.UTC);
    commit.setAuthor(who);
    commit.setCommitter(who);
    commit.setMessage(message);
    return inserter.insert(commit);
  }
}
