package io.leakguard.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

  @Test
  void shouldPrefixEveryTopicAndKeepNamesUnique() {
    TopicCatalog topics = new TopicCatalog("prod.leakguard.");
    List<Topic<?, ?>> all = topics.all(List.of("detector", "remediator"));

    assertTrue(all.stream().allMatch(t -> t.name().startsWith("prod.leakguard.")));
    assertEquals(all.size(), new HashSet<>(all.stream().map(Topic::name).toList()).size());
    assertEquals("prod.leakguard.dlq.detector", topics.deadLetters("detector").name());
    assertTrue(topics.inventory().compacted());
    assertTrue(topics.bridgeCheckpoints().compacted());
    assertTrue(topics.probeVerdicts().compacted());
    assertTrue(topics.control().compacted());
    assertEquals(java.time.Duration.ofDays(TopicCatalog.VERDICT_RETENTION_DAYS), topics.probeVerdicts().retention());
    assertEquals("prod.leakguard.bridge.checkpoints", topics.bridgeCheckpoints().name());
    assertEquals(TopicCatalog.SECRET_BEARING_RETENTION, topics.rawContent().retention());
    assertEquals(TopicCatalog.SECRET_BEARING_RETENTION, topics.githubAlerts().retention());
    assertEquals(null, topics.leaksDetected().retention());
  }

  @Test
  void shouldRefuseAPrefixKafkaCannotUse() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopicCatalog("bad prefix/"));
    assertTrue(e.getMessage().contains("bad prefix/"));
  }
}
