package io.leakguard.notifier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentLogTest {

  @TempDir
  Path dir;

  @Test
  void shouldRememberDeliveriesAcrossReopeningAndForgetOldOnes() throws Exception {
    Path file = dir.resolve("sent.log");
    Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
    try (SentLog log = new SentLog(file, Duration.ofDays(1), false, Clock.fixed(t0, ZoneOffset.UTC))) {
      log.record("inc-1|ROTATED|mail:a@example.com");
    }
    // a line cut by a crash mid-write, then a day later another delivery
    Files.writeString(file, "17642", StandardOpenOption.APPEND);
    try (SentLog log = new SentLog(file, Duration.ofDays(1), false,
        Clock.fixed(t0.plus(Duration.ofHours(1)), ZoneOffset.UTC))) {
      assertTrue(log.contains("inc-1|ROTATED|mail:a@example.com"));
      assertFalse(log.contains("17642"));
      log.record("inc-2|ROTATED|soc:group");
    }
    try (SentLog log = new SentLog(file, Duration.ofDays(1), true,
        Clock.fixed(t0.plus(Duration.ofHours(25)), ZoneOffset.UTC))) {
      assertFalse(log.contains("inc-1|ROTATED|mail:a@example.com"), "older than a day: forgotten");
      assertTrue(log.contains("inc-2|ROTATED|soc:group"));
    }
  }
}
