package io.leakguard.remediator;

import io.leakguard.schemas.RemediationJournal;
import java.util.function.Consumer;

/**
 * Does the cloud work of incidents, off the stream thread. The topology owns the journal; the engine only reports:
 * each journal snapshot it passes to {@code progress} (a step started, a step ended, the run finished) is the
 * incident's new journal. Implementations touch the cloud; the topology does not.
 */
public interface RemediationEngine extends AutoCloseable {

  /** A submitted run: cancelling it stops it between steps and silences its reports. */
  interface Handle {
    void cancel();
  }

  /**
   * Runs (or resumes) the incident the journal describes. Must not block: the caller is the stream thread. Every
   * step must be idempotent, since a journal may be resubmitted after a crash at any point of a run.
   */
  Handle submit(RemediationJournal journal, Consumer<RemediationJournal> progress);

  @Override
  default void close() {}
}
