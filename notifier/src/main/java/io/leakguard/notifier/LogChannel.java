package io.leakguard.notifier;

import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.RemediationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one line per outcome to the service log, for the security team's log pipeline. */
public final class LogChannel implements Channel {

  private static final Logger LOG = LoggerFactory.getLogger("leakguard.notifications");

  @Override
  public Delivery deliver(RemediationOutcome outcome) {
    Notice notice = Notice.of(outcome);
    if (outcome.getStatus().name().equals("ROTATED") || outcome.getStatus().name().equals("NEUTRALIZED")) {
      LOG.info("[{}] {}", notice.incidentId(), notice.summary());
    } else {
      LOG.warn("[{}] {}", notice.incidentId(), notice.summary());
    }
    return Delivery.newBuilder().setChannel("log").setRecipient("security-team").setDelivered(true).build();
  }
}
