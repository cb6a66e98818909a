package io.leakguard.notifier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The deliveries this notifier instance has sent, one line ({@code <epoch ms> <deliveryId>}) appended the moment a
 * channel accepted a message, before anything else happens.
 *
 * <p>Why a file beside the journal: the journal (a changelogged store) becomes durable only at the next exactly-once
 * commit, so a notifier killed between a channel's "accepted" and that commit would, on restart, replay the outcome
 * and send the message again. A line written with {@code write(2)} survives the death of the process (the kernel
 * holds it), so the restarted notifier finds it and records the delivery as sent instead of sending it twice; the
 * window left is the microseconds between the channel's answer and the write. With {@code fsync} set, the line also
 * survives a power loss, at the cost of one disk flush per message. A task that moves to another instance after a
 * crash does not see this file: there, a delivery accepted within the last commit interval before the crash can be
 * sent again, with the same delivery ID (the e-mail {@code Message-ID}, the webhook's idempotency key).
 *
 * <p>Lines older than {@code keep} are dropped when the log is opened (by then the journal has long committed them).
 */
final class SentLog implements AutoCloseable {

  private final Path file;
  private final boolean fsync;
  private final Clock clock;
  private final Map<String, Long> sent = new HashMap<>();
  private final FileChannel out;

  SentLog(Path file, Duration keep, boolean fsync, Clock clock) {
    this.file = file;
    this.fsync = fsync;
    this.clock = clock;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      long oldest = clock.millis() - keep.toMillis();
      List<String> kept = new ArrayList<>();
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int space = line.indexOf(' ');
          if (space <= 0) {
            continue; // a line cut by a crash mid-write: its delivery was not recorded, it will be retried
          }
          try {
            long at = Long.parseLong(line.substring(0, space));
            if (at >= oldest) {
              sent.put(line.substring(space + 1), at);
              kept.add(line);
            }
          } catch (NumberFormatException e) {
            // not a line of ours; dropped
          }
        }
        Path compacted = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(compacted, kept, StandardCharsets.UTF_8);
        Files.move(compacted, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the notifier's sent log " + file, e);
    }
  }

  synchronized boolean contains(String deliveryId) {
    return sent.containsKey(deliveryId);
  }

  /** Records a delivery as sent: appended and written through to the kernel before this returns. */
  synchronized void record(String deliveryId) {
    if (deliveryId.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a delivery ID has no line break");
    }
    long now = clock.millis();
    ByteBuffer line = ByteBuffer.wrap((now + " " + deliveryId + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      while (line.hasRemaining()) {
        out.write(line);
      }
      if (fsync) {
        out.force(false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the notifier's sent log " + file, e);
    }
    sent.put(deliveryId, now);
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      // closing at shutdown: nothing to do
    }
  }
}
