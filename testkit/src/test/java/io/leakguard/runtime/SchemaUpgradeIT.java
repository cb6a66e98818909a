package io.leakguard.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.KafkaFixture;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade in the wrong order: the producer of {@code approvals} is upgraded first and writes a decision
 * with a new optional field; the consumer, not upgraded, reads it through the writer schema on the schemas topic and
 * keeps running. A record whose writer schema was never published stays a dead letter.
 */
class SchemaUpgradeIT {

  @TempDir
  Path dir;

  /** The consumer not upgraded yet: reads approvals, writes "incident:decidedBy". */
  static final class OldConsumer implements ServiceDefinition {
    @Override public String name() { return "old"; }
    @Override public String applicationId() { return "leakguard-test-old-consumer"; }
    @Override public List<Option<?>> options() { return List.of(); }
    @Override public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
      StreamsBuilder builder = new StreamsBuilder();
      Topic<String, ApprovalDecision> approvals = topics.approvals();
      builder.stream(approvals.name(), Consumed.with(approvals.keySerde(), approvals.valueSerde()).withName("in"))
          .mapValues(d -> d.getIncidentId() + ":" + d.getDecidedBy(), Named.as("describe"))
          .to(topics.prefix() + "old.out", Produced.with(Serdes.String(), Serdes.String()).withName("out"));
      return builder.build();
    }
  }

  @Test
  void shouldReadARecordOfANewerProducerAndKeepRunning() throws Exception {
    try (KafkaFixture broker = KafkaFixture.start(dir.resolve("kafka"))) {
      // Given the old consumer running
      OldConsumer definition = new OldConsumer();
      Settings settings = ServiceMain.loader(definition).load(Map.of(), List.of(
          "--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--topic.prefix=up.", "--topics.partitions=1",
          "--state.dir=" + dir.resolve("state"), "--health.port=-1"));
      TopicCatalog topics = new TopicCatalog("up.");
      TopicProvisioner.ensure(Map.of("bootstrap.servers", broker.bootstrapServers()), List.of(new Topic<>("up.old.out",
          Serdes.String(), Serdes.String(), false)), 1, 1);
      try (StreamsService service = StreamsService.start(definition, settings)) {
        await().atMost(Duration.ofSeconds(60)).until(() -> service.state() == KafkaStreams.State.RUNNING);

        // When the upgraded producer publishes its schema (ApprovalDecision with a new optional field) and writes
        // with it; and another producer writes with a schema it never published
        Schema upgraded = withOptionalField(ApprovalDecision.getClassSchema(), "channel");
        Schema unpublished = withOptionalField(ApprovalDecision.getClassSchema(), "ticket");
        new SchemaTopic(topics.schemas(), Map.of("bootstrap.servers", broker.bootstrapServers()))
            .publish(List.of(upgraded));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            broker.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
          producer.send(new ProducerRecord<>(topics.approvals().name(), "inc-new".getBytes(StandardCharsets.UTF_8),
              encode(upgraded, "inc-new", "carol", "slack"))).get();
          producer.send(new ProducerRecord<>(topics.approvals().name(), "inc-unknown".getBytes(StandardCharsets.UTF_8),
              encode(unpublished, "inc-unknown", "dave", "T-1"))).get();
        }

        // Then the old consumer reads the upgraded record, dead-letters the unpublished one, and keeps running
        List<String> out = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        Topic<String, DeadLetter> dlq = topics.deadLetters("old");
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
          consumer.subscribe(List.of("up.old.out", dlq.name()));
          await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
              if (r.topic().equals(dlq.name())) {
                letters.add(dlq.valueSerde().deserializer().deserialize(r.topic(), r.value()));
              } else {
                out.add(new String(r.value(), StandardCharsets.UTF_8));
              }
            }
            return out.size() == 1 && letters.size() == 1;
          });
        }
        assertEquals(List.of("inc-new:carol"), out);
        assertEquals(1L, letters.get(0).getSourceOffset());
        assertEquals(KafkaStreams.State.RUNNING, service.state());
      }
    }
  }

  /** The schema with one more field, an optional string with a null default: a compatible change. */
  private static Schema withOptionalField(Schema schema, String field) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode tree = (ObjectNode) json.readTree(schema.toString());
    ObjectNode added = ((ArrayNode) tree.get("fields")).addObject();
    added.put("name", field);
    added.putArray("type").add("null").add("string");
    added.putNull("default");
    added.put("doc", "added by the upgraded producer");
    return new Schema.Parser().parse(tree.toString());
  }

  private static byte[] encode(Schema schema, String incident, String by, String extra) throws Exception {
    GenericRecord record = new GenericData.Record(schema);
    ApprovalDecision base = ApprovalDecision.newBuilder().setIncidentId(incident)
        .setDecision(io.leakguard.schemas.Decision.APPROVE).setDecidedBy(by).setDecidedAt(java.time.Instant.now())
        .build();
    for (Schema.Field field : ApprovalDecision.getClassSchema().getFields()) {
      Object value = base.get(field.name());
      if (value instanceof Enum<?> symbol) {
        value = new GenericData.EnumSymbol(schema.getField(field.name()).schema(), symbol.name());
      } else if (value instanceof java.time.Instant at) {
        value = at.toEpochMilli();
      }
      record.put(field.name(), value);
    }
    record.put(schema.getFields().get(schema.getFields().size() - 1).name(), extra);
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaFixture broker) {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "up-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
