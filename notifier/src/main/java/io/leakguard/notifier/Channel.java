package io.leakguard.notifier;

import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.RemediationOutcome;

/** One way of telling people about an outcome. A channel never throws: a failed delivery is a Delivery too. */
public interface Channel {

  Delivery deliver(RemediationOutcome outcome);
}
