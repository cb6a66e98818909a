package io.leakguard.notifier;

import io.leakguard.notifier.channel.Channel;
import io.leakguard.notifier.channel.DeliveryException;
import io.leakguard.notifier.channel.Message;
import io.leakguard.notifier.channel.Recipient;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel that records what it was asked to send; failures can be queued for the next sends. */
final class RecordingChannel implements Channel {

  record Sent(Recipient recipient, Message message) {}

  private final String name;
  private final String type;
  final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final Deque<DeliveryException> failures = new ArrayDeque<>();

  RecordingChannel(String name, String type) {
    this.name = name;
    this.type = type;
  }

  /** The next {@code times} sends fail with {@code failure}. */
  synchronized RecordingChannel failNext(int times, DeliveryException failure) {
    for (int i = 0; i < times; i++) {
      failures.add(failure);
    }
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public String describe(Recipient recipient) {
    return recipient.email() != null ? recipient.email() : name + " (test)";
  }

  @Override
  public String send(Recipient recipient, Message message) throws DeliveryException {
    DeliveryException failure;
    synchronized (this) {
      failure = failures.poll();
    }
    if (failure != null) {
      throw failure;
    }
    sent.add(new Sent(recipient, message));
    return "accepted";
  }
}
