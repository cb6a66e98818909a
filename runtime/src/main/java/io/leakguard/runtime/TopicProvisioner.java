package io.leakguard.runtime;

import io.leakguard.schemas.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics that do not exist yet; existing topics are left exactly as they are. */
public final class TopicProvisioner {

  private TopicProvisioner() {}

  public static void ensure(Map<String, Object> kafka, List<Topic<?, ?>> topics, int partitions, int replication)
      throws InterruptedException {
    try (Admin admin = Admin.create(kafka)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<?, ?> topic : topics) {
        if (!existing.contains(topic.name())) {
          NewTopic created = new NewTopic(topic.name(), Optional.of(partitions),
              replication < 0 ? Optional.empty() : Optional.of((short) replication));
          Map<String, String> configs = new java.util.HashMap<>();
          if (topic.compacted()) {
            // A compacted topic with a retention also drops what is older than that (compact and delete).
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.retention() == null ? TopicConfig.CLEANUP_POLICY_COMPACT
                : TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
          }
          if (topic.retention() != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(topic.retention().toMillis()));
          }
          created.configs(configs);
          missing.add(created);
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      admin.createTopics(missing).values().forEach((name, future) -> {
        try {
          future.get();
        } catch (ExecutionException e) {
          // Another service may have created it a moment ago: that is fine.
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
      });
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics: " + e.getCause().getMessage(), e);
    }
  }
}
