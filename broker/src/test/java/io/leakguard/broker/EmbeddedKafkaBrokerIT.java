package io.leakguard.broker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  @TempDir
  Path dir;

  @Test
  void shouldStartAgainOnItsDataDirectoryWithItsDataAndPortsOnLoopback() throws Exception {
    // Given a broker that got a record, then stopped
    Path data = dir.resolve("kafka");
    String first;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data)) {
      first = broker.bootstrapServers();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", first))) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
      }
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", first,
          "acks", "all"), new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>("kept", "k", "still here")).get();
      }
    }

    // When it is started again on the same directory
    try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.start(data)) {
      // Then it listens where it did, on loopback only, and still has the record
      assertEquals(first, again.bootstrapServers());
      assertTrue(first.startsWith("127.0.0.1:"), first);
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", first),
          new StringDeserializer(), new StringDeserializer())) {
        TopicPartition partition = new TopicPartition("kept", 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            values.add(r.value());
          }
          return !values.isEmpty();
        });
      }
      assertEquals(List.of("still here"), values);
    }
  }

  @Test
  void shouldRefuseADirectoryThatIsNoBrokersAndNotEmpty() throws Exception {
    Files.writeString(dir.resolve("something.txt"), "x");

    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> EmbeddedKafkaBroker.start(dir));
    assertTrue(refused.getMessage().contains("holds no"), refused.getMessage());
  }
}
