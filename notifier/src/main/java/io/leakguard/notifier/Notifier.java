package io.leakguard.notifier;

import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Timeline;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Sends an outcome through every channel and records who was told. */
public final class Notifier {

  private final List<Channel> channels;
  private final Clock clock;

  public Notifier(List<Channel> channels, Clock clock) {
    this.channels = List.copyOf(channels);
    this.clock = clock;
  }

  public NotificationOutcome notify(RemediationOutcome outcome) {
    List<Delivery> deliveries = new ArrayList<>(channels.size());
    for (Channel channel : channels) {
      deliveries.add(channel.deliver(outcome));
    }
    return NotificationOutcome.newBuilder()
        .setIncidentId(outcome.getIncidentId())
        .setAccessKeyId(outcome.getAccessKeyId())
        .setMaskedKey(outcome.getMaskedKey())
        .setRemediationStatus(outcome.getStatus())
        .setDeliveries(deliveries)
        .setTimeline(Timeline.newBuilder(outcome.getTimeline()).setNotifiedAt(clock.instant()).build())
        .build();
  }
}
