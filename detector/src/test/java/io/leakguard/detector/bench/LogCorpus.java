package io.leakguard.detector.bench;

import io.leakguard.testkit.SyntheticKeys;
import java.util.Base64;
import java.util.Random;

/**
 * Generated log-like text: ISO timestamps, levels, threads, loggers, messages with key=value pairs, URLs with
 * percent escapes, JSON fragments with escaped quotes, trace IDs, the odd base64 blob; and, rarely, a key pair (a
 * configuration dump, sometimes an STS pair). The words are fixed, the choices seeded, the keys generated.
 */
final class LogCorpus {

  private static final String[] LEVELS = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
  private static final String[] LOGGERS = {"io.leakguard.orders.OrderService", "org.apache.kafka.clients.NetworkClient",
      "com.example.payments.PaymentGateway", "o.s.web.servlet.DispatcherServlet", "c.zaxxer.hikari.pool.HikariPool"};
  private static final String[] WORDS = {"request", "completed", "user", "session", "cache", "miss", "for", "key",
      "connection", "pool", "timeout", "retrying", "order", "payment", "accepted", "in", "ms", "status", "ok", "sent",
      "bytes", "from", "upstream", "committed", "offset", "partition", "rebalance", "heartbeat", "Thread", "Task"};

  record Corpus(String text, int pairs) {}

  private LogCorpus() {}

  /** About {@code bytes} characters of log lines with one key pair per {@code bytesPerPair} characters. */
  static Corpus generate(int bytes, int bytesPerPair, long seed) {
    Random random = new Random(seed);
    StringBuilder text = new StringBuilder(bytes + 4096);
    int pairs = 0;
    int nextPair = bytesPerPair / 2;
    while (text.length() < bytes) {
      if (text.length() >= nextPair) {
        appendPair(text, random, pairs);
        pairs++;
        nextPair += bytesPerPair;
        continue;
      }
      text.append("2026-11-23T0").append(random.nextInt(10)).append(':').append(10 + random.nextInt(50)).append(':')
          .append(10 + random.nextInt(50)).append('.').append(100 + random.nextInt(900)).append("Z ")
          .append(LEVELS[random.nextInt(LEVELS.length)]).append(" [worker-").append(random.nextInt(16)).append("] ")
          .append(LOGGERS[random.nextInt(LOGGERS.length)]).append(" - ");
      int words = 4 + random.nextInt(10);
      for (int i = 0; i < words; i++) {
        text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
      }
      switch (random.nextInt(12)) {
        case 0 -> text.append("GET /api/v1/orders?customer=Jane%20Doe&sort=created%2Cdesc&page=").append(random.nextInt(99));
        case 1 -> text.append("payload={\\\"orderId\\\":").append(random.nextInt(1_000_000)).append(",\\\"state\\\":\\\"PAID\\\"}");
        case 2 -> text.append("trace_id=").append(Long.toHexString(random.nextLong())).append(Long.toHexString(random.nextLong()));
        case 3 -> text.append("latency_ms=").append(random.nextInt(2000)).append(" upstream=10.0.").append(random.nextInt(255))
            .append('.').append(random.nextInt(255)).append(":8080");
        case 4 -> {
          if (random.nextInt(20) == 0) {
            byte[] blob = new byte[48];
            random.nextBytes(blob);
            text.append("signature=").append(Base64.getEncoder().encodeToString(blob));
          }
        }
        default -> text.append("user_id=").append(random.nextInt(100_000));
      }
      text.append('\n');
    }
    return new Corpus(text.toString(), pairs);
  }

  private static void appendPair(StringBuilder text, Random random, int index) {
    text.append("2026-11-23T04:00:00.000Z DEBUG [main] io.leakguard.orders.Config - loaded configuration\n");
    if (index % 4 == 3) {
      text.append("  sts.access_key_id=STS.").append(SyntheticKeys.random(25)).append('\n')
          .append("  sts.access_key_secret=").append(SyntheticKeys.random(40)).append('\n');
    } else {
      text.append("  oss.access_key_id=").append(SyntheticKeys.accessKeyId()).append('\n')
          .append("  oss.access_key_secret=").append(SyntheticKeys.secret()).append('\n');
    }
  }
}
