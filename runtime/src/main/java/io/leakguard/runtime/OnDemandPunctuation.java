package io.leakguard.runtime;

import java.time.Duration;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * A wall-clock punctuation that runs only while a processor has work in flight: {@link #awake} schedules it (once),
 * {@link #sleep} cancels it. An idle task then adds no work to its stream thread.
 */
public final class OnDemandPunctuation {

  private final ProcessorContext<?, ?> context;
  private final Duration interval;
  private final Runnable action;
  private Cancellable scheduled;

  public OnDemandPunctuation(ProcessorContext<?, ?> context, Duration interval, Runnable action) {
    this.context = context;
    this.interval = interval;
    this.action = action;
  }

  /** Punctuates from now on, every interval, until {@link #sleep}. */
  public void awake() {
    if (scheduled == null) {
      scheduled = context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> action.run());
    }
  }

  /** Stops punctuating until the next {@link #awake}. */
  public void sleep() {
    if (scheduled != null) {
      scheduled.cancel();
      scheduled = null;
    }
  }
}
