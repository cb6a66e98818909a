package io.leakguard.detector.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.edge.RawContent;
import io.leakguard.testkit.SyntheticKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code leakguard scan --git} on repositories built here with JGit: history on branches and tags, a stash, a branch
 * deleted, a force-push that rewrote a server's branch, a blob added and never committed; each leak a generated key.
 */
class GitScanTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path work;
  private Git git;
  private long clock = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<RawContent> published = new ArrayList<>();

  @BeforeEach
  void init() throws Exception {
    work = dir.resolve("work");
    git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
  }

  private RevCommit commit(String message, Map<String, String> files) throws Exception {
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = work.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      if (file.getValue() == null) {
        Files.delete(path);
        git.rm().addFilepattern(file.getKey()).call();
      } else {
        Files.writeString(path, file.getValue());
        git.add().addFilepattern(file.getKey()).call();
      }
    }
    PersonIdent who = new PersonIdent("Dev One", "dev1@example.com", Instant.ofEpochSecond(clock += 60),
        ZoneOffset.UTC);
    return git.commit().setMessage(message).setAuthor(who).setCommitter(who).call();
  }

  private static String env(String id, String secret) {
    return "ALIBABA_CLOUD_ACCESS_KEY_ID=" + id + "\nALIBABA_CLOUD_ACCESS_KEY_SECRET=" + secret + "\n";
  }

  private int scan(String repository, boolean allObjects, String since, Path state, int threads) {
    out.reset();
    RawContentSink.Factory sinks = (bootstrap, prefix) -> new RawContentSink() {
      @Override
      public void send(String key, RawContent content) {
        published.add(content);
      }

      @Override
      public void close() { }
    };
    return GitScan.run(new GitScan.Request(repository, allObjects, since, state, "broker:9092", "leakguard.",
        threads), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
        StandardCharsets.UTF_8), sinks);
  }

  private List<JsonNode> findings() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  private Map<String, JsonNode> byId() throws Exception {
    return findings().stream().collect(Collectors.toMap(f -> f.get("accessKeyId").asText(), f -> f, (a, b) -> a));
  }

  @Test
  void shouldFindLeaksInHistoryStashesAndReflogsOnceEach() throws Exception {
    // Given a leak added then removed, a leaked file copied to a second path later, a stash and a reset branch
    String removed = SyntheticKeys.accessKeyId();
    String removedSecret = SyntheticKeys.secret();
    String kept = SyntheticKeys.accessKeyId();
    String stashed = SyntheticKeys.accessKeyId();
    String reset = SyntheticKeys.accessKeyId();
    commit("readme", Map.of("README.md", "# app\n"));
    RevCommit leak = commit("config", Map.of("config/app.env", env(removed, removedSecret),
        "deploy/prod.env", env(kept, SyntheticKeys.secret())));
    git.tag().setName("v1").call();
    commit("remove the key", Map.of("config/app.env", "ALIBABA_CLOUD_ACCESS_KEY_ID=${FROM_VAULT}\n"));
    for (int i = 0; i < 5; i++) {
      commit("work " + i, Map.of("src/Main" + i + ".java", "class Main" + i + " {}\n"));
    }
    RevCommit copy = commit("copy", Map.of("deploy/staging.env", Files.readString(work.resolve("deploy/prod.env"))));
    Files.writeString(work.resolve("README.md"), "# app\n" + env(stashed, SyntheticKeys.secret()));
    git.stashCreate().setPerson(new PersonIdent("Dev One", "dev1@example.com")).call();
    RevCommit mistake = commit("oops", Map.of("oops.env", env(reset, SyntheticKeys.secret())));
    RefUpdate back = git.getRepository().updateRef("refs/heads/main");
    back.setNewObjectId(mistake.getParent(0));
    back.setForceUpdate(true);
    back.update();

    // When
    int exit = scan(work.toString(), false, null, null, 2);

    // Then every leak once, the removed one at the commit that added it, the copied blob once with both commits
    assertEquals(1, exit, err.toString(StandardCharsets.UTF_8));
    Map<String, JsonNode> found = byId();
    assertEquals(java.util.Set.of(removed, kept, stashed, reset), found.keySet());
    JsonNode first = found.get(removed);
    assertEquals("config/app.env", first.get("path").asText());
    assertEquals(leak.name(), first.get("commit").asText());
    assertEquals("Dev One <dev1@example.com>", first.get("author").asText());
    assertEquals(leak.getAuthorIdent().getWhenAsInstant().toString(), first.get("authorTime").asText());
    assertEquals(1, first.get("line").asInt());
    assertEquals(KeyForms.fingerprint(removedSecret), first.get("fingerprint").asText());
    JsonNode copied = found.get(kept);
    assertEquals(2, copied.get("commits").asInt());
    assertEquals(leak.name(), copied.get("commit").asText());
    assertEquals(copy.name(), copied.get("lastCommit").asText());
    assertEquals(4, findings().size(), "the copied blob is reported once");
    assertFalse(out.toString(StandardCharsets.UTF_8).contains(removedSecret), "never the secret");
    // Published with the location repo@commit:path
    assertTrue(published.stream().anyMatch(p -> p.location().equals(work + "@" + leak.name() + ":config/app.env")),
        published.stream().map(RawContent::location).toList().toString());
  }

  @Test
  void shouldFindDeletedBranchesAndForcePushedHistoryOnlyWithAllObjects() throws Exception {
    // Given a server (bare) whose main was force-pushed over a leak, and a branch pushed and then deleted there
    Path server = dir.resolve("server.git");
    Git.init().setBare(true).setDirectory(server.toFile()).setInitialBranch("main").call().close();
    git.remoteAdd().setName("origin").setUri(new org.eclipse.jgit.transport.URIish(server.toUri().toString())).call();
    String forced = SyntheticKeys.accessKeyId();
    String deleted = SyntheticKeys.accessKeyId();
    String dangling = SyntheticKeys.accessKeyId();
    RevCommit base = commit("base", Map.of("README.md", "# app\n"));
    commit("leak", Map.of("app.env", env(forced, SyntheticKeys.secret())));
    git.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main")).call();
    git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(base.name()).call();
    commit("clean", Map.of("NOTES.md", "nothing\n"));
    git.push().setRemote("origin").setForce(true).setRefSpecs(new RefSpec("+refs/heads/main:refs/heads/main")).call();
    git.checkout().setCreateBranch(true).setName("feature").call();
    commit("feature", Map.of("feature.env", env(deleted, SyntheticKeys.secret())));
    git.push().setRemote("origin").setRefSpecs(new RefSpec("refs/heads/feature:refs/heads/feature")).call();
    git.push().setRemote("origin").setRefSpecs(new RefSpec(":refs/heads/feature")).call();
    try (Git bare = Git.open(server.toFile()); ObjectInserter inserter = bare.getRepository().newObjectInserter()) {
      // a blob written and never committed
      inserter.insert(Constants.OBJ_BLOB, env(dangling, SyntheticKeys.secret()).getBytes(StandardCharsets.UTF_8));
      inserter.flush();
    }

    // When scanned reachable-only, then with every object
    int reachable = scan(server.toString(), false, null, null, 1);
    Map<String, JsonNode> seen = byId();
    int all = scan(server.toString(), true, null, null, 1);
    Map<String, JsonNode> everything = byId();
    String oneThread = out.toString(StandardCharsets.UTF_8);
    // (on two threads the blobs are scanned while the walk goes on: the same lines, in the same order)
    assertEquals(1, scan(server.toString(), true, null, null, 2));
    assertEquals(oneThread, out.toString(StandardCharsets.UTF_8));

    // Then only --all-objects finds the rewritten, the deleted and the dangling leaks
    assertEquals(0, reachable, out.toString(StandardCharsets.UTF_8));
    assertEquals(Map.of(), seen);
    assertEquals(1, all);
    assertEquals(java.util.Set.of(forced, deleted, dangling), everything.keySet());
    assertEquals("app.env", everything.get(forced).get("path").asText());
    assertEquals("feature.env", everything.get(deleted).get("path").asText());
    assertTrue(everything.get(dangling).get("path").isNull());
    assertTrue(everything.get(dangling).get("commit").isNull());
  }

  @Test
  void shouldScanOnlyNewHistoryWithAStateFileOrSinceCommit() throws Exception {
    String old = SyntheticKeys.accessKeyId();
    String recent = SyntheticKeys.accessKeyId();
    commit("one", Map.of("a.env", env(old, SyntheticKeys.secret())));
    RevCommit two = commit("two", Map.of("b.txt", "b\n"));
    Path state = dir.resolve("state");

    assertEquals(1, scan(work.toString(), false, null, state, 1));
    assertEquals(java.util.Set.of(old), byId().keySet());
    assertTrue(Files.readString(state).contains(two.name()), "the tips are recorded");

    commit("three", Map.of("c.env", env(recent, SyntheticKeys.secret())));
    assertEquals(1, scan(work.toString(), false, null, state, 1));
    assertEquals(java.util.Set.of(recent), byId().keySet(), "only what is new since the last run");
    assertEquals(0, scan(work.toString(), false, null, state, 1), "nothing new");

    assertEquals(1, scan(work.toString(), false, two.name(), null, 1));
    assertEquals(java.util.Set.of(recent), byId().keySet());
  }

  @Test
  void shouldScanAClonedUrlAndReportTheSameOnManyThreads() throws Exception {
    for (int i = 0; i < 30; i++) {
      commit("c" + i, Map.of("f" + i + ".env", i % 3 == 0 ? env(SyntheticKeys.accessKeyId(), SyntheticKeys.secret())
          : "x=" + i + "\n"));
    }
    String url = work.resolve(".git").toUri().toString();

    assertEquals(1, scan(url, false, null, null, 1));
    String one = out.toString(StandardCharsets.UTF_8);
    assertEquals(1, scan(url, false, null, null, 4));

    assertEquals(10, one.split("\n").length);
    assertEquals(one, out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void shouldFailClearlyOnWhatIsNotARepository() throws Exception {
    Files.createDirectories(dir.resolve("plain"));

    assertEquals(2, scan(dir.resolve("plain").toString(), false, null, null, 1));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("not a git repository"), err.toString());
    assertEquals(2, scan(dir.resolve("missing").toString(), false, null, null, 1));
    assertEquals(2, scan(work.toString(), false, ObjectId.zeroId().name(), null, 1));
  }
}
