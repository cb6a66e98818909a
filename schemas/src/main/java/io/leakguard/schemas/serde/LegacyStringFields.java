package io.leakguard.schemas.serde;

import io.leakguard.schemas.EnumWords;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.JournalStepStatus;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationMode;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStrategy;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The string fields that older released versions used for closed sets, kept beside the enum fields that replaced them
 * (Avro cannot resolve a string into an enum): RemediationJournal v2's {@code mode}, {@code strategy},
 * {@code fallback} and each step's {@code outcome}; RemediationOutcome v3's {@code strategy} and {@code mode}.
 *
 * <p>Before a record is written its strings are set from its enums, so a reader of the older version (a service not
 * upgraded yet, or rolled back) still understands it; after a record is read, an enum field that is null (the record
 * was written by the older version) is set from its string. Code reads and writes the enum fields only.
 */
final class LegacyStringFields {

  private LegacyStringFields() {}

  @SuppressWarnings("unchecked")
  static <T> UnaryOperator<T> beforeWrite(Class<T> type) {
    if (type == RemediationJournal.class) {
      return r -> (T) writeJournal((RemediationJournal) r);
    }
    if (type == RemediationOutcome.class) {
      return r -> (T) writeOutcome((RemediationOutcome) r);
    }
    return UnaryOperator.identity();
  }

  @SuppressWarnings("unchecked")
  static <T> UnaryOperator<T> afterRead(Class<T> type) {
    if (type == RemediationJournal.class) {
      return r -> (T) readJournal((RemediationJournal) r);
    }
    if (type == RemediationOutcome.class) {
      return r -> (T) readOutcome((RemediationOutcome) r);
    }
    return UnaryOperator.identity();
  }

  static RemediationJournal writeJournal(RemediationJournal journal) {
    RemediationJournal.Builder next = RemediationJournal.newBuilder(journal);
    if (journal.getRemediationMode() != null) {
      next.setMode(EnumWords.word(journal.getRemediationMode()));
    }
    if (journal.getRemediationStrategy() != null) {
      next.setStrategy(EnumWords.word(journal.getRemediationStrategy()));
    }
    if (journal.getFallbackStrategy() != null) {
      next.setFallback(EnumWords.word(journal.getFallbackStrategy()));
    }
    List<JournalStep> steps = journal.getSteps().stream().map(s -> s.getStatus() == null ? s
        : JournalStep.newBuilder(s).setOutcome(s.getStatus().name()).build()).toList();
    return next.setSteps(steps).build();
  }

  static RemediationJournal readJournal(RemediationJournal journal) {
    RemediationJournal.Builder next = RemediationJournal.newBuilder(journal);
    if (journal.getRemediationMode() == null) {
      next.setRemediationMode(EnumWords.parse(RemediationMode.class, journal.getMode()).orElse(null));
    }
    if (journal.getRemediationStrategy() == null) {
      next.setRemediationStrategy(EnumWords.parse(RemediationStrategy.class, journal.getStrategy()).orElse(null));
    }
    if (journal.getFallbackStrategy() == null) {
      next.setFallbackStrategy(EnumWords.parse(RemediationStrategy.class, journal.getFallback()).orElse(null));
    }
    List<JournalStep> steps = journal.getSteps().stream().map(s -> s.getStatus() != null ? s
        : JournalStep.newBuilder(s).setStatus(stepStatus(s.getOutcome())).build()).toList();
    return next.setSteps(steps).build();
  }

  /** v2 wrote the constant's name; anything else was never written and reads as FAILED, the enum's default. */
  private static JournalStepStatus stepStatus(String outcome) {
    for (JournalStepStatus status : JournalStepStatus.values()) {
      if (status.name().equals(outcome)) {
        return status;
      }
    }
    return JournalStepStatus.FAILED;
  }

  static RemediationOutcome writeOutcome(RemediationOutcome outcome) {
    RemediationOutcome.Builder next = RemediationOutcome.newBuilder(outcome);
    if (outcome.getRemediationStrategy() != null) {
      next.setStrategy(EnumWords.word(outcome.getRemediationStrategy()));
    }
    if (outcome.getRemediationMode() != null) {
      next.setMode(EnumWords.word(outcome.getRemediationMode()));
    }
    return next.build();
  }

  static RemediationOutcome readOutcome(RemediationOutcome outcome) {
    RemediationOutcome.Builder next = RemediationOutcome.newBuilder(outcome);
    if (outcome.getRemediationStrategy() == null) {
      next.setRemediationStrategy(EnumWords.parse(RemediationStrategy.class, outcome.getStrategy()).orElse(null));
    }
    if (outcome.getRemediationMode() == null) {
      next.setRemediationMode(EnumWords.parse(RemediationMode.class, outcome.getMode()).orElse(null));
    }
    return next.build();
  }
}
