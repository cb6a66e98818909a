package io.leakguard.notifier;

import io.leakguard.notifier.channel.Channel;
import io.leakguard.notifier.channel.DeliveryException;
import io.leakguard.notifier.channel.Message;
import io.leakguard.notifier.channel.Recipient;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.runtime.Redactor;
import io.leakguard.schemas.DeliveryState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's delivery workers: every channel call happens here, never on a stream thread. A retryable failure is
 * tried again after an exponential back-off with full jitter (first wait {@code backoff}, at most 5 minutes), up to
 * {@code maxAttempts}; then the delivery is FAILED with its reason. A delivery the {@link SentLog} already holds is
 * not sent again.
 */
final class Deliverer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
  private static final long MAX_BACKOFF_MILLIS = 300_000;

  /** One message to send. */
  record Job(String journalKey, String deliveryId, Recipient recipient, Message message) {}

  /** What became of a job: SENT or FAILED, after how many attempts, with the channel's answer or the reason. */
  record Report(String journalKey, String deliveryId, DeliveryState state, int attempts, String detail) {}

  private final Map<String, Channel> channels;
  private final SentLog sent;
  private final int maxAttempts;
  private final Duration backoff;
  private final ScheduledExecutorService workers;
  /** Deliveries being sent (or waiting for a retry), and where their report goes. */
  private final java.util.concurrent.ConcurrentHashMap<String, Consumer<Report>> sinks =
      new java.util.concurrent.ConcurrentHashMap<>();

  Deliverer(Map<String, Channel> channels, SentLog sent, int maxAttempts, Duration backoff, int threads) {
    this.channels = Map.copyOf(channels);
    this.sent = sent;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.workers = Executors.newScheduledThreadPool(threads, r -> {
      Thread t = new Thread(r, "notifier-delivery");
      t.setDaemon(true);
      return t;
    });
  }

  Channel channel(String name) {
    return channels.get(name);
  }

  /**
   * Sends {@code job} and reports to {@code reports}. A job whose delivery is already being sent (handed over again
   * by a task initialized anew after a rebalance in this process) is not started twice: the running one reports to
   * the newest {@code reports}.
   */
  void submit(Job job, Consumer<Report> reports) {
    if (sinks.put(job.deliveryId(), reports) == null) {
      schedule(() -> attempt(job, 1, report -> {
        Consumer<Report> sink = sinks.remove(job.deliveryId());
        (sink == null ? reports : sink).accept(report);
      }), 0);
    }
  }

  private void attempt(Job job, int attempt, Consumer<Report> reports) {
    if (sent.contains(job.deliveryId())) {
      LOG.debug("already sent {}", job.deliveryId());
      reports.accept(new Report(job.journalKey(), job.deliveryId(), DeliveryState.SENT, attempt - 1,
          "sent before a restart (found in the sent log)"));
      return;
    }
    Channel channel = channels.get(job.recipient().channel());
    if (channel == null) {
      reports.accept(new Report(job.journalKey(), job.deliveryId(), DeliveryState.FAILED, attempt - 1,
          "channel '" + job.recipient().channel() + "' is no longer configured"));
      return;
    }
    try {
      LOG.debug("sending {} (attempt {})", job.deliveryId(), attempt);
      String answer = channel.send(job.recipient(), job.message());
      sent.record(job.deliveryId());
      LOG.debug("sent {}", job.deliveryId());
      reports.accept(new Report(job.journalKey(), job.deliveryId(), DeliveryState.SENT, attempt, answer));
    } catch (DeliveryException e) {
      String why = Redactor.redact(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      if (e.retryable() && attempt < maxAttempts) {
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, backoff.toMillis() << Math.min(attempt - 1, 20));
        long delay = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        LOG.debug("{} via {}: attempt {} failed ({}); next in {} ms", job.deliveryId(), channel.name(), attempt,
            why, delay);
        schedule(() -> attempt(job, attempt + 1, reports), delay);
      } else {
        reports.accept(new Report(job.journalKey(), job.deliveryId(), DeliveryState.FAILED, attempt,
            why + (e.retryable() ? " (gave up after " + attempt + " attempts)" : "")));
      }
    } catch (RuntimeException e) {
      reports.accept(new Report(job.journalKey(), job.deliveryId(), DeliveryState.FAILED, attempt,
          "unexpected: " + Redactor.describe(e)));
    }
  }

  private void schedule(Runnable task, long delayMillis) {
    try {
      // The worker logs under the incident of whoever scheduled it: the stream thread, or the previous attempt.
      workers.schedule(IncidentMdc.carry(task), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // shutting down: the journal still has the delivery as PENDING, and the next start sends it
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
