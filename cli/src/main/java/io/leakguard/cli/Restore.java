package io.leakguard.cli;

import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudOptions;
import io.leakguard.cloud.RamGateway.PolicyAttachment;
import io.leakguard.config.ConfigException;
import io.leakguard.config.ConfigLoader;
import io.leakguard.config.Settings;
import io.leakguard.schemas.EnumWords;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStrategy;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code leakguard restore INCIDENT [--force]}: re-attaches the policies a {@code purge} detached from a role.
 *
 * <p>Where the record comes from: the incident's NEUTRALIZED outcome on {@code remediation.outcomes}, which names the
 * account ({@code owner.accountId}), the role and the detached policies; it is read to the end with
 * {@code read_committed}, so only what the remediator committed counts. (The remediator also keeps the role's record
 * in KMS, {@code leakguard/<account>/roles/<role>}, version = incident, before it changes anything.)
 *
 * <p>Refused until the role's maximum session duration has passed since the leak was first sighted: until then a
 * token issued before the purge may still be unexpired, and re-attaching would give it its power back. {@code --force}
 * overrides that, for someone who knows better.
 *
 * <p>How it authenticates: like the services, through the default credential chain only (never a flag), and the
 * {@code --cloud.*} options of the remediator ({@code --cloud.endpoint=http://127.0.0.1:18080} for the emulator,
 * {@code --cloud.fleet=...} to act in member accounts through their roles).
 */
final class Restore {

  private Restore() {}

  static int restore(KafkaTarget target, String incident, boolean force, CloudFleet fleet, Clock clock)
      throws CloudException {
    Optional<RemediationOutcome> found = findOutcome(target, incident);
    if (found.isEmpty()) {
      System.err.println("leakguard restore: no outcome of incident " + incident + " on "
          + target.topics().remediationOutcomes().name());
      return 1;
    }
    RemediationOutcome outcome = found.get();
    RemediationStrategy strategy = outcome.getRemediationStrategy();
    if (outcome.getStatus() != RemediationStatus.NEUTRALIZED || strategy != RemediationStrategy.PURGE
        || outcome.getRoleName() == null) {
      System.err.println("leakguard restore: incident " + incident + " is " + outcome.getStatus() + " ("
          + (strategy == null ? "no strategy" : EnumWords.word(strategy)) + "): only a purged role can be restored");
      return 1;
    }
    String account = outcome.getOwner().getAccountId();
    String role = outcome.getRoleName();
    AlibabaCloud cloud = fleet.account(account);
    long maxSession = cloud.ram().getRole(role).maxSessionDuration();
    Instant safe = outcome.getTimeline().getSightedAt().plus(Duration.ofSeconds(maxSession));
    if (!force && clock.instant().isBefore(safe)) {
      System.err.println("leakguard restore: refused: a token of role " + role + " issued before the leak may be "
          + "valid until " + safe + " (max session " + maxSession + " s after the leak); use --force to restore now");
      return 1;
    }
    for (String policy : outcome.getDetachedPolicies()) {
      int colon = policy.indexOf(':');
      PolicyAttachment attachment = new PolicyAttachment(policy.substring(0, colon), policy.substring(colon + 1));
      try {
        cloud.ram().attachPolicyToRole(role, attachment);
        System.out.println("re-attached " + policy + " to role " + role + " in account " + account);
      } catch (CloudException e) {
        if (e.errorClass() != CloudErrorClass.CONFLICT) {
          throw e;
        }
        System.out.println(policy + " is attached to role " + role + " already");
      }
    }
    System.out.println("restored role " + role + " of incident " + incident);
    return 0;
  }

  private static RemediationOutcome decode(Topic<String, RemediationOutcome> topic, byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      return topic.valueSerde().deserializer().deserialize(topic.name(), value);
    } catch (org.apache.kafka.common.errors.SerializationException e) {
      return null; // not an outcome: skipped
    }
  }

  /** The latest committed outcome of the incident, reading the outcomes topic from the start to its end. */
  static Optional<RemediationOutcome> findOutcome(KafkaTarget target, String incident) {
    Topic<String, RemediationOutcome> topic = target.topics().remediationOutcomes();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "leakguard-restore-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    RemediationOutcome latest = null;
    // Raw bytes, decoded one by one: anyone may have written garbage to the topic, and an unreadable record must not
    // stop an operator from finding the incident.
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      List<TopicPartition> partitions;
      try {
        partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15)).stream()
            .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        throw target.unreachable(e);
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          RemediationOutcome outcome = decode(topic, record.value());
          if (outcome != null && incident.equals(outcome.getIncidentId())) {
            latest = outcome;
          }
        }
      }
    }
    return Optional.ofNullable(latest);
  }
}
