package io.leakguard.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleTokensTest {

  @TempDir
  Path dir;

  @Test
  void shouldRefuseToRunWithoutAToken() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConsoleTokens.load("", Map.of()));
    assertTrue(e.getMessage().contains(ConsoleTokens.ENV), e.getMessage());
  }

  @Test
  void shouldRefuseShortTokensAndBothSources() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> ConsoleTokens.load("", Map.of(ConsoleTokens.ENV, "short")));
    Path file = Files.writeString(dir.resolve("t"), "bob abcdefghijklmnopqrstuvwxyz\n");
    assertThrows(IllegalArgumentException.class, () -> ConsoleTokens.load(file.toString(),
        Map.of(ConsoleTokens.ENV, "abcdefghijklmnopqrstuvwxyz")));
    assertThrows(IllegalArgumentException.class, () -> ConsoleTokens.load(dir.resolve("missing").toString(),
        Map.of()));
  }

  @Test
  void shouldNameTheIdentityOfEachToken() throws Exception {
    Path file = Files.writeString(dir.resolve("t"), "# comment\nalice aaaaaaaaaaaaaaaaaaaaaaaa\nbbbbbbbbbbbbbbbbbbbbbbbb\n");
    ConsoleTokens tokens = ConsoleTokens.load(file.toString(), Map.of());
    assertEquals(Optional.of("alice"), tokens.identify("Bearer aaaaaaaaaaaaaaaaaaaaaaaa"));
    assertEquals(Optional.of("console"), tokens.identify("bearer bbbbbbbbbbbbbbbbbbbbbbbb"));
    assertEquals(Optional.empty(), tokens.identify("Bearer cccccccccccccccccccccccc"));
    assertEquals(Optional.empty(), tokens.identify("Basic aaaaaaaaaaaaaaaaaaaaaaaa"));
    assertEquals(Optional.empty(), tokens.identify(null));
  }
}
