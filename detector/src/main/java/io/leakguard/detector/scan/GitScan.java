package io.leakguard.detector.scan;

import io.leakguard.detector.Finding;
import io.leakguard.detector.Scanner;
import io.leakguard.schemas.edge.RawContent;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.Pack;
import org.eclipse.jgit.internal.storage.file.PackIndex;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.ReflogEntry;
import org.eclipse.jgit.lib.ReflogReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * {@code leakguard scan --git PATH_OR_URL}: every blob of every commit on every ref of a repository, each scanned
 * once, with JGit (no git binary).
 *
 * <p>What is walked: every branch, tag, remote-tracking ref and stash, and every commit in those refs' reflogs (where
 * a branch that was reset or force-pushed still points, locally); with {@code --all-objects}, also every commit and
 * blob in the object database that nothing reaches (a deleted branch, a dropped stash, a blob added and never
 * committed). A URL is cloned first, as a bare mirror into a temporary directory deleted afterwards.
 *
 * <p>A blob is attributed to the commits that introduce it (whose tree has it at a path where no parent's tree has
 * it): it is scanned once and reported once, at its first such commit (by author time) with its path, author and
 * author time, and with the last such commit and their count. A blob nothing attributes (dangling) has no commit and
 * no path.
 *
 * <p>Incremental: {@code --since-commit SHA} leaves out everything reachable from that commit; {@code --state FILE}
 * leaves out everything reachable from the tips the previous run saw (one commit ID per line) and writes this run's
 * tips there when it completes.
 *
 * <p>One JSON object per finding, the fields of {@link ScanCommand} plus {@code commit}, {@code author},
 * {@code authorTime}, {@code lastCommit}, {@code commits} and {@code blob}; with {@code --publish} each blob with
 * findings goes to the pipeline with the location {@code REPO@COMMIT:PATH}, to which the detector adds the line.
 */
public final class GitScan {

  private static final String SOURCE = "leakguard-scan-git";

  /**
   * A git scan.
   *
   * @param repository  a local repository (working tree or bare) or a URL to clone
   * @param allObjects  also scan what no ref reaches
   * @param sinceCommit leave out what this commit reaches, or null
   * @param stateFile   the incremental state to read and write, or null
   * @param publishTo   Kafka bootstrap servers, or null to only report
   * @param topicPrefix the topic name prefix
   * @param threads     blobs scanned at once
   */
  public record Request(String repository, boolean allObjects, String sinceCommit, Path stateFile, String publishTo,
      String topicPrefix, int threads) {
    public Request {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be 1 or more, not " + threads);
      }
    }
  }

  /** The commits that introduce one blob. */
  private static final class Origin {
    RevCommit first;
    long firstTime;
    String firstPath;
    RevCommit last;
    long lastTime;
    int commits;

    /** {@code time}: the commit's author time, parsed once per commit by the caller. */
    void add(RevCommit commit, long time, String path) {
      commits++;
      if (first == null || time < firstTime) {
        first = commit;
        firstTime = time;
        firstPath = path;
      }
      if (last == null || time > lastTime) {
        last = commit;
        lastTime = time;
      }
    }
  }

  /** Figures of one run, for the caller and the benchmark. */
  public record Stats(int commits, int blobs, long bytes, int findings) {}

  private final Scanner scanner = new Scanner();
  private final PrintStream out;
  private final PrintStream err;
  private boolean failed;
  private int findings;
  private long bytes;

  private GitScan(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Runs a git scan with the process's streams; returns the exit code (0 none, 1 findings, 2 error). */
  public static int run(Request request) {
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      return run(request, stdout, System.err, KafkaRawContentSink::new);
    } finally {
      System.setOut(stdout);
    }
  }

  static int run(Request request, PrintStream out, PrintStream err, RawContentSink.Factory sinks) {
    GitScan scan = new GitScan(out, err);
    try {
      scan.scan(request, sinks);
    } catch (IOException | GitAPIException | UncheckedIOException e) {
      err.println("leakguard scan --git: " + request.repository() + ": " + e.getMessage());
      return 2;
    }
    out.flush();
    return scan.failed ? 2 : scan.findings > 0 ? 1 : 0;
  }

  /** Scans and returns the figures; for the benchmark. Output goes to {@code out}. */
  public static Stats measure(Request request, PrintStream out) throws IOException, GitAPIException {
    GitScan scan = new GitScan(out, out);
    return scan.scan(request, null);
  }

  private Stats scan(Request request, RawContentSink.Factory sinks) throws IOException, GitAPIException {
    Path clone = null;
    try {
      File local = new File(request.repository());
      if (!local.exists() && looksLikeUrl(request.repository())) {
        clone = Files.createTempDirectory("leakguard-git");
        Git.cloneRepository().setURI(request.repository()).setBare(true).setMirror(true)
            .setDirectory(clone.toFile()).call().close();
        local = clone.toFile();
      } else if (!local.exists()) {
        throw new IOException("no such repository or directory");
      }
      try (Repository repository = open(local)) {
        RawContentSink sink = request.publishTo() == null || sinks == null ? null
            : sinks.open(request.publishTo(), request.topicPrefix());
        try {
          return scan(repository, request, sink);
        } finally {
          if (sink != null) {
            sink.close();
          }
        }
      }
    } finally {
      if (clone != null) {
        deleteTree(clone);
      }
    }
  }

  private static boolean looksLikeUrl(String repository) {
    return repository.contains("://") || repository.matches("[\\w.-]+@[\\w.-]+:.*");
  }

  private static Repository open(File directory) throws IOException {
    File dotGit = new File(directory, Constants.DOT_GIT);
    FileRepositoryBuilder builder = new FileRepositoryBuilder().setMustExist(true);
    builder.setGitDir(dotGit.isDirectory() ? dotGit : directory);
    try {
      return builder.build();
    } catch (org.eclipse.jgit.errors.RepositoryNotFoundException e) {
      throw new IOException("not a git repository");
    }
  }

  private Stats scan(Repository repository, Request request, RawContentSink sink) throws IOException {
    Set<ObjectId> tips = new LinkedHashSet<>();
    Set<ObjectId> looseBlobs = new LinkedHashSet<>();
    int commits = 0;
    // With threads to spare, blobs are scanned as the walk finds them, on all threads but the walk's.
    try (Background background = request.threads() > 1 ? new Background(repository, request.threads() - 1) : null) {
      Walked walked = new Walked(background == null ? blob -> { } : background::submit);
      try (ObjectReader reader = repository.newObjectReader(); RevWalk walk = new RevWalk(reader)) {
        for (Ref ref : repository.getRefDatabase().getRefs()) {
          ObjectId target = ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
          if (target != null) {
            tips.add(target);
          }
          ReflogReader reflog = repository.getRefDatabase().getReflogReader(ref.getName());
          if (reflog != null) {
            for (ReflogEntry entry : reflog.getReverseEntries()) {
              tips.add(entry.getNewId());
            }
          }
        }
        List<ObjectId> excluded = uninteresting(repository, request);
        commits += walk(walk, tips, excluded, Set.of(), reader, walked);
        if (request.allObjects()) {
          // Then what no ref reaches: every object of the database that the walk did not see, opened for its type
          // (reachable blobs, trees and commits are known already, and opening an object inflates it).
          Set<ObjectId> unreachableCommits = new LinkedHashSet<>();
          Set<ObjectId> seen = new java.util.HashSet<>(walked.origins.keySet());
          seen.addAll(walked.trees);
          everyObject(repository, reader, seen, walk, unreachableCommits, looseBlobs);
          try (RevWalk more = new RevWalk(reader)) {
            // ... down to where their history joins what the first walk covered, not along it again
            commits += walk(more, unreachableCommits, excluded, tips, reader, walked);
          }
        }
      }
      Map<ObjectId, Origin> origins = walked.origins;
      looseBlobs.removeAll(origins.keySet());
      List<Map.Entry<ObjectId, Origin>> ordered = new ArrayList<>(origins.entrySet());
      ordered.sort(Comparator.comparingLong((Map.Entry<ObjectId, Origin> e) -> e.getValue().firstTime)
          .thenComparing(e -> e.getValue().firstPath));
      List<ObjectId> blobs = new ArrayList<>(ordered.size() + looseBlobs.size());
      ordered.forEach(e -> blobs.add(e.getKey()));
      blobs.addAll(looseBlobs);
      Map<ObjectId, BlobResult> found;
      if (background != null) {
        background.grow(request.threads());
        looseBlobs.forEach(background::submit);
        found = background.finish();
      } else {
        found = scanBlobs(repository, inStorageOrder(repository, blobs));
      }
      for (ObjectId blob : blobs) {
        BlobResult result = found.get(blob);
        if (result != null) {
          report(request, result, origins, sink);
        }
      }
      if (request.stateFile() != null && !failed) {
        writeState(request.stateFile(), repository, tips);
      }
      return new Stats(commits, blobs.size(), bytes, findings);
    }
  }

  /** What the walks found: where each blob came from, the trees they read; each new blob is handed on at once. */
  private static final class Walked {
    final Map<ObjectId, Origin> origins = new HashMap<>();
    /** The trees read: --all-objects need not open them again to learn they are trees. */
    final Set<ObjectId> trees = new java.util.HashSet<>();
    private final java.util.function.Consumer<ObjectId> newBlob;

    Walked(java.util.function.Consumer<ObjectId> newBlob) {
      this.newBlob = newBlob;
    }

    void introduced(ObjectId blob, RevCommit commit, long time, String path) {
      Origin origin = origins.get(blob);
      if (origin == null) {
        ObjectId id = blob.copy();
        origin = new Origin();
        origins.put(id, origin);
        newBlob.accept(id);
      }
      origin.add(commit, time, path);
    }
  }

  /** Walks every commit the starts reach but the excluded do not, recording the blobs each introduces. */
  private static int walk(RevWalk walk, Set<ObjectId> starts, List<ObjectId> excluded, Set<ObjectId> covered,
      ObjectReader reader, Walked walked) throws IOException {
    for (ObjectId start : starts) {
      markStart(walk, start);
    }
    for (ObjectId seen : excluded) {
      walk.markUninteresting(walk.parseCommit(seen));
    }
    for (ObjectId seen : covered) {
      try {
        walk.markUninteresting(walk.parseCommit(seen));
      } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException
          | org.eclipse.jgit.errors.MissingObjectException e) {
        // not a commit: nothing below it to leave out
      }
    }
    int commits = 0;
    for (RevCommit commit : walk) {
      commits++;
      introduced(reader, commit, walked);
    }
    return commits;
  }

  private static void markStart(RevWalk walk, ObjectId id) throws IOException {
    try {
      walk.markStart(walk.parseCommit(id));
    } catch (org.eclipse.jgit.errors.IncorrectObjectTypeException | org.eclipse.jgit.errors.MissingObjectException e) {
      // a ref to a tree or a blob, or a reflog entry whose commit was pruned: nothing to walk
    }
  }

  /**
   * The blobs {@code commit} introduces: in its tree at a path where no parent's tree has the same blob. The trees it
   * introduces are noted too.
   */
  private static void introduced(ObjectReader reader, RevCommit commit, Walked walked) throws IOException {
    long time = commit.getAuthorIdent().getWhenAsInstant().toEpochMilli();
    walked.trees.add(commit.getTree().copy());
    try (TreeWalk tree = new TreeWalk(reader)) {
      tree.setRecursive(false); // subtrees entered by hand below, so that each one's ID is seen
      tree.addTree(commit.getTree());
      for (RevCommit parent : commit.getParents()) {
        tree.addTree(parent.getTree());
      }
      if (commit.getParentCount() > 0) {
        tree.setFilter(TreeFilter.ANY_DIFF);
      }
      while (tree.next()) {
        if (tree.isSubtree()) {
          if ((tree.getRawMode(0) & FileMode.TYPE_MASK) == FileMode.TYPE_TREE) {
            walked.trees.add(tree.getObjectId(0));
          }
          tree.enterSubtree();
          continue;
        }
        if ((tree.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) {
          continue; // deleted here, a symbolic link or a submodule
        }
        ObjectId blob = tree.getObjectId(0);
        boolean inParent = false;
        for (int p = 1; p < tree.getTreeCount() && !inParent; p++) {
          inParent = blob.equals(tree.getObjectId(p));
        }
        if (!inParent) {
          walked.introduced(blob, commit, time, tree.getPathString());
        }
      }
    }
  }

  /**
   * The commits and blobs of the object database, packed or loose, that neither {@code knownBlobs} holds nor
   * {@code walked} has parsed: what nothing reaches.
   */
  private static void everyObject(Repository repository, ObjectReader reader, Set<ObjectId> knownBlobs, RevWalk walked,
      Set<ObjectId> commits, Set<ObjectId> blobs) throws IOException {
    if (!(repository instanceof FileRepository file)) {
      return;
    }
    ObjectDirectory objects = file.getObjectDatabase();
    Set<ObjectId> all = new LinkedHashSet<>();
    for (Pack pack : objects.getPacks()) {
      for (PackIndex.MutableEntry entry : pack) {
        all.add(entry.toObjectId());
      }
    }
    File[] fanout = objects.getDirectory().listFiles();
    if (fanout != null) {
      for (File dir : fanout) {
        String[] names = dir.getName().length() == 2 ? dir.list() : null;
        for (String name : names == null ? new String[0] : names) {
          if (name.length() == Constants.OBJECT_ID_STRING_LENGTH - 2 && ObjectId.isId(dir.getName() + name)) {
            all.add(ObjectId.fromString(dir.getName() + name));
          }
        }
      }
    }
    for (ObjectId id : all) {
      if (knownBlobs.contains(id) || walked.lookupOrNull(id) != null) {
        continue;
      }
      int type = reader.open(id).getType();
      if (type == Constants.OBJ_COMMIT) {
        commits.add(id);
      } else if (type == Constants.OBJ_BLOB) {
        blobs.add(id);
      }
    }
  }

  private static List<ObjectId> uninteresting(Repository repository, Request request) throws IOException {
    List<ObjectId> seen = new ArrayList<>();
    if (request.sinceCommit() != null) {
      ObjectId since = repository.resolve(request.sinceCommit());
      if (since == null) {
        throw new IOException("no commit " + request.sinceCommit());
      }
      seen.add(since);
    }
    if (request.stateFile() != null && Files.exists(request.stateFile())) {
      for (String line : Files.readAllLines(request.stateFile())) {
        String id = line.trim();
        if (ObjectId.isId(id) && repository.getObjectDatabase().has(ObjectId.fromString(id))
            && repository.open(ObjectId.fromString(id)).getType() == Constants.OBJ_COMMIT) {
          seen.add(ObjectId.fromString(id));
        }
      }
    }
    return seen;
  }

  private static void writeState(Path file, Repository repository, Set<ObjectId> tips) throws IOException {
    StringBuilder state = new StringBuilder("# leakguard scan --git state: the commits the last scan reached\n");
    for (ObjectId tip : tips) {
      if (repository.getObjectDatabase().has(tip) && repository.open(tip).getType() == Constants.OBJ_COMMIT) {
        state.append(tip.name()).append('\n');
      }
    }
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, state);
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** What scanning one blob gave. */
  private record BlobResult(ObjectId blob, String content, List<Finding> findings, long size, String error) {
    /** Whether there is anything to report: findings or an error. */
    boolean reportable() {
      return error != null || !findings.isEmpty();
    }
  }

  /**
   * Scans the blobs on the calling thread, in the order given; keeps the results with findings or an error. In the
   * order they are stored in, a pack is read front to back and each delta base inflated once, from a warm cache: 15 %
   * less time than in history order (GitScanBenchmark).
   */
  private Map<ObjectId, BlobResult> scanBlobs(Repository repository, List<ObjectId> blobs) {
    Map<ObjectId, BlobResult> found = new HashMap<>();
    try (ObjectReader reader = repository.newObjectReader()) {
      for (ObjectId blob : blobs) {
        keep(found, scanBlob(reader, blob));
      }
    }
    return found;
  }

  private void keep(Map<ObjectId, BlobResult> found, BlobResult result) {
    bytes += result.size();
    if (result.reportable()) {
      found.put(result.blob(), result);
    }
  }

  /**
   * Blobs scanned on a pool as the walk finds them, each worker with its own object reader; the results with findings
   * or an error kept. The walk takes half the time of a single-threaded git scan (GitScanBenchmark), so with two
   * threads or more it runs beside the scanning rather than before it.
   */
  private final class Background implements AutoCloseable {
    private final java.util.concurrent.ThreadPoolExecutor pool;
    private final ThreadLocal<ObjectReader> readers;
    private final Map<ObjectId, BlobResult> found = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong scanned = new java.util.concurrent.atomic.AtomicLong();

    Background(Repository repository, int threads) {
      readers = ThreadLocal.withInitial(repository::newObjectReader);
      pool = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 0, java.util.concurrent.TimeUnit.SECONDS,
          new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "leakguard-scan-git");
            thread.setDaemon(true);
            return thread;
          });
    }

    void submit(ObjectId blob) {
      pool.execute(() -> {
        BlobResult result;
        try {
          result = scanBlob(readers.get(), blob);
        } catch (RuntimeException e) {
          result = new BlobResult(blob, null, List.of(), 0, String.valueOf(e));
        }
        scanned.addAndGet(result.size());
        if (result.reportable()) {
          found.put(blob, result);
        }
      });
    }

    /** Once the walk is done, its thread is free for scanning too. */
    void grow(int threads) {
      pool.setMaximumPoolSize(threads);
      pool.setCorePoolSize(threads);
    }

    /** Waits for every blob submitted; the results with findings or an error. */
    Map<ObjectId, BlobResult> finish() {
      pool.shutdown();
      try {
        while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
          // a large history: keep waiting
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      bytes += scanned.get();
      return found;
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }

  /** {@code blobs} by pack and offset in it; loose objects last. */
  private static List<ObjectId> inStorageOrder(Repository repository, List<ObjectId> blobs) throws IOException {
    if (!(repository instanceof FileRepository file)) {
      return blobs;
    }
    List<PackIndex> indexes = new ArrayList<>();
    for (Pack pack : file.getObjectDatabase().getPacks()) {
      indexes.add(pack.getIndex());
    }
    record Stored(ObjectId blob, int pack, long offset) {}
    List<Stored> stored = new ArrayList<>(blobs.size());
    for (ObjectId blob : blobs) {
      int pack = 0;
      long offset = -1;
      while (pack < indexes.size() && (offset = indexes.get(pack).findOffset(blob)) < 0) {
        pack++;
      }
      stored.add(new Stored(blob, pack, offset));
    }
    stored.sort(Comparator.comparingInt(Stored::pack).thenComparingLong(Stored::offset));
    return stored.stream().map(Stored::blob).toList();
  }

  private BlobResult scanBlob(ObjectReader reader, ObjectId blob) {
    try {
      ObjectLoader loader = reader.open(blob, Constants.OBJ_BLOB);
      long size = loader.getSize();
      if (size > ScanCommand.MAX_FILE_BYTES) {
        return new BlobResult(blob, null, List.of(), size, null); // a stored binary: not text
      }
      byte[] data = loader.getCachedBytes(ScanCommand.MAX_FILE_BYTES);
      String content = ScanCommand.text(data);
      if (content == null) {
        return new BlobResult(blob, null, List.of(), size, null);
      }
      List<Finding> found = scanner.scanEveryOccurrence(content);
      return new BlobResult(blob, found.isEmpty() ? null : content, found, size, null);
    } catch (IOException e) {
      return new BlobResult(blob, null, List.of(), 0, e.getMessage());
    }
  }

  private void report(Request request, BlobResult result, Map<ObjectId, Origin> origins, RawContentSink sink) {
    if (result.error() != null) {
      err.println("leakguard scan --git: blob " + result.blob().name() + ": " + result.error());
      failed = true;
      return;
    }
    if (result.findings().isEmpty()) {
      return;
    }
    Origin origin = origins.get(result.blob());
    for (Finding finding : result.findings()) {
      out.println(json(result.blob(), origin, finding));
    }
    findings += result.findings().size();
    if (sink != null) {
      String location = request.repository() + "@" + (origin == null ? result.blob().name()
          : origin.first.name() + ":" + origin.firstPath);
      try {
        sink.send(location, new RawContent(SOURCE, location, result.content(), result.blob().name()));
      } catch (Exception e) {
        err.println("leakguard scan --git: " + location + ": cannot publish: " + InOrder.reason(e));
        failed = true;
      }
    }
  }

  static String json(ObjectId blob, Origin origin, Finding finding) {
    String base = ScanCommand.json(origin == null ? "" : origin.firstPath, finding);
    if (origin == null) {
      base = "{\"path\":null" + base.substring("{\"path\":\"\"".length()); // a dangling blob has no path
    }
    StringBuilder line = new StringBuilder(base.substring(0, base.length() - 1));
    if (origin == null) {
      line.append(",\"commit\":null,\"author\":null,\"authorTime\":null,\"lastCommit\":null,\"commits\":0");
    } else {
      PersonIdent author = origin.first.getAuthorIdent();
      Instant when = author.getWhenAsInstant();
      line.append(",\"commit\":\"").append(origin.first.name()).append('"')
          .append(",\"author\":").append(ScanCommand.quote(author.getName() + " <" + author.getEmailAddress() + ">"))
          .append(",\"authorTime\":\"").append(when).append('"')
          .append(",\"lastCommit\":\"").append(origin.last.name()).append('"')
          .append(",\"commits\":").append(origin.commits);
    }
    return line.append(",\"blob\":\"").append(blob.name()).append("\"}").toString();
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary clone left behind is not worth failing the scan for
    }
  }
}
