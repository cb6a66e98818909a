package io.leakguard.bridge.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.config.ConfigException;
import io.leakguard.config.ConfigLoader;
import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.SyntheticKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the GitHub options and credentials: from the environment or a file, never a flag. */
class GithubOptionsTest {

  @TempDir
  Path dir;

  private static Settings load(String... flags) {
    return new ConfigLoader(GithubOptions.ALL).load(Map.of(), List.of(flags));
  }

  @Test
  void shouldTakeTheTokenFromTheEnvironmentOrAFileButNeverBoth() throws Exception {
    String token = SyntheticKeys.random(40);
    Path file = Files.writeString(dir.resolve("token"), token + "\n");

    assertEquals(token, GithubOptions.token(load(), Map.of(GithubOptions.TOKEN_ENV, token)).orElseThrow().get());
    assertEquals(token, GithubOptions.token(load("--bridge.github.token.file=" + file), Map.of()).orElseThrow().get());
    assertTrue(GithubOptions.token(load(), Map.of()).isEmpty());
    var both = assertThrows(IllegalArgumentException.class, () -> GithubOptions.token(
        load("--bridge.github.token.file=" + file), Map.of(GithubOptions.TOKEN_ENV, token)));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    var missing = assertThrows(IllegalArgumentException.class, () -> GithubOptions.token(
        load("--bridge.github.token.file=" + dir.resolve("absent")), Map.of()));
    assertFalse(missing.getMessage().contains(token));
    // A token is no option: as a flag it is refused like any unknown key
    assertThrows(ConfigException.class, () -> load("--bridge.github.token=" + token));
  }

  @Test
  void shouldReadTheTokenFileAgainAtEveryCall() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "first");
    var token = GithubOptions.token(load("--bridge.github.token.file=" + file), Map.of()).orElseThrow();

    Files.writeString(file, "renewed");

    assertEquals("renewed", token.get());
  }

  @Test
  void shouldAcceptOnlyAnHttpsApiOrALocalOne() {
    assertEquals("https://ghe.example/api/v3",
        GithubOptions.apiUrl(load("--bridge.github.api.url=https://ghe.example/api/v3/")).toString());
    assertEquals("http://127.0.0.1:8080", GithubOptions.apiUrl(load("--bridge.github.api.url=http://127.0.0.1:8080"))
        .toString());
    assertThrows(IllegalArgumentException.class,
        () -> GithubOptions.apiUrl(load("--bridge.github.api.url=http://api.example")));
    assertThrows(IllegalArgumentException.class,
        () -> GithubOptions.apiUrl(load("--bridge.github.api.url=https://api.example/?x=1")));
  }

  @Test
  void shouldStayOffWithoutAPortAndRequireTheSecretWithOne() {
    TopicCatalog topics = new TopicCatalog("t.");

    assertTrue(GithubWebhookReceiver.fromSettings(load(), Map.of(), topics).isEmpty());
    var noSecret = assertThrows(IllegalArgumentException.class, () -> GithubWebhookReceiver.fromSettings(
        load("--bridge.github.webhook.port=0"), Map.of(), topics));
    assertTrue(noSecret.getMessage().contains(GithubOptions.WEBHOOK_SECRET_ENV), noSecret.getMessage());
    assertThrows(ConfigException.class, () -> load("--bridge.github.webhook.port=70000"));
  }
}
