package io.leakguard.runtime;

import io.leakguard.schemas.KeyForms;
import org.slf4j.MDC;

/**
 * Puts the incident ID and the masked AccessKey ID in the logging MDC ({@code incident}, {@code key}) for the work on
 * one incident, so every line logged meanwhile on this thread carries them (in the JSON log format, as MDC fields).
 * Use it with try-with-resources around that work; work handed to another thread opens its own in its task.
 * Closing restores whatever the thread had before, so a nested scope (a worker called inline) leaves the outer one
 * intact.
 * The key is masked here whatever the caller passes ({@link KeyForms#mask} leaves a masked ID as it is), so an
 * unmasked ID can never reach the MDC.
 */
public final class IncidentMdc implements AutoCloseable {

  public static final String INCIDENT = "incident";
  public static final String KEY = "key";

  private final String previousIncident;
  private final String previousKey;

  private IncidentMdc(String previousIncident, String previousKey) {
    this.previousIncident = previousIncident;
    this.previousKey = previousKey;
  }

  /** Sets {@code incident} and {@code key} (either may be null or empty: it is then left out). */
  public static IncidentMdc open(CharSequence incidentId, CharSequence accessKeyId) {
    IncidentMdc scope = new IncidentMdc(MDC.get(INCIDENT), MDC.get(KEY));
    set(INCIDENT, incidentId == null ? null : incidentId.toString());
    set(KEY, accessKeyId == null ? null : KeyForms.mask(accessKeyId.toString()));
    return scope;
  }

  /**
   * {@code task}, to run on another thread under the incident and key this thread has now (none if it has none):
   * for work handed to a pool or scheduled for later.
   */
  public static Runnable carry(Runnable task) {
    String incident = MDC.get(INCIDENT);
    String key = MDC.get(KEY);
    return () -> {
      try (IncidentMdc mdc = open(incident, key)) {
        task.run();
      }
    };
  }

  @Override
  public void close() {
    set(INCIDENT, previousIncident);
    set(KEY, previousKey);
  }

  private static void set(String name, String value) {
    if (value == null || value.isEmpty()) {
      MDC.remove(name);
    } else {
      MDC.put(name, value);
    }
  }
}
