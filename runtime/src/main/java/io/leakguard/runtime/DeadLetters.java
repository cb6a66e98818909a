package io.leakguard.runtime;

import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.Topic;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three Kafka Streams error handlers of every service. A record that cannot be read, processed or written goes
 * to the service's dead-letter topic as a {@link DeadLetter} (source topic, partition, offset, redacted reason) and
 * the service carries on; a failure that is not about one record (a broken producer) stops the service.
 *
 * <p>The handlers are configured through the Streams properties {@link #TOPIC_CONFIG} and {@link #SERVICE_CONFIG}.
 */
public final class DeadLetters {

  public static final String TOPIC_CONFIG = "leakguard.dead.letter.topic";
  public static final String SERVICE_CONFIG = "leakguard.service.name";
  /**
   * Comma-separated source topics of the topology's global tables. Streams cannot send the dead letters a handler
   * returns for a global-table record (its global thread has no record collector: it fails with a
   * {@code ClassCastException} and stops the service), so the handlers write those dead letters themselves.
   */
  /** The service's {@link Metrics} (an object in the Streams properties); absent: no-op meters. */
  public static final String METRICS_CONFIG = "leakguard.metrics";
  public static final String GLOBAL_TOPICS_CONFIG = "leakguard.dead.letter.global.topics";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  private static final int EXCERPT_CHARS = 160;
  /** Characters past the excerpt that redaction sees: more than the longest secret and STS ID. */
  private static final int EXCERPT_CONTEXT = 128;

  private final String service;
  private final Topic<String, DeadLetter> topic;
  private final Set<String> globalTopics;
  private final Map<String, ?> configs;
  private final Metrics metrics;
  private Producer<byte[], byte[]> globalProducer;

  DeadLetters(String service, Topic<String, DeadLetter> topic) {
    this(service, topic, Set.of(), Map.of(), Metrics.none());
  }

  private DeadLetters(String service, Topic<String, DeadLetter> topic, Set<String> globalTopics,
      Map<String, ?> configs, Metrics metrics) {
    this.metrics = metrics;
    this.service = service;
    this.topic = topic;
    this.globalTopics = globalTopics;
    this.configs = configs;
  }

  static DeadLetters fromConfig(Map<String, ?> configs) {
    Object service = configs.get(SERVICE_CONFIG);
    Object topicName = configs.get(TOPIC_CONFIG);
    if (service == null || topicName == null) {
      throw new IllegalStateException("dead-letter handlers need " + SERVICE_CONFIG + " and " + TOPIC_CONFIG);
    }
    Topic<String, DeadLetter> topic = new Topic<>(topicName.toString(),
        org.apache.kafka.common.serialization.Serdes.String(),
        io.leakguard.schemas.serde.AvroSerde.of(DeadLetter.class), false);
    Object globals = configs.get(GLOBAL_TOPICS_CONFIG);
    Set<String> globalTopics = globals == null || globals.toString().isBlank() ? Set.of()
        : Set.of(globals.toString().split(","));
    Metrics metrics = configs.get(METRICS_CONFIG) instanceof Metrics m ? m : Metrics.none();
    Map<String, Object> kept = new HashMap<>(configs);
    kept.remove(METRICS_CONFIG);
    return new DeadLetters(service.toString(), topic, globalTopics, Map.copyOf(kept), metrics);
  }

  /** The value of {@link #GLOBAL_TOPICS_CONFIG} for a topology: the source topics of its global stores. */
  public static String globalTopicsOf(org.apache.kafka.streams.Topology topology) {
    return topology.describe().globalStores().stream()
        .flatMap(store -> store.source().topicSet().stream())
        .sorted()
        .collect(java.util.stream.Collectors.joining(","));
  }

  /**
   * The dead letters of a failed record, in the form a handler answers: returned for Streams to send within its
   * transaction, or, for a global-table record, sent here (Streams cannot send those) and an empty list returned.
   */
  List<ProducerRecord<byte[], byte[]>> route(ProducerRecord<byte[], byte[]> letter, ErrorHandlerContext context) {
    if (context == null || !globalTopics.contains(context.topic())) {
      return List.of(letter);
    }
    try {
      globalProducer().send(letter, (metadata, error) -> {
        if (error != null) {
          LOG.error("{}: could not write the dead letter of global topic {}: {}", service, context.topic(),
              Redactor.describe(error));
        }
      });
      globalProducer().flush();
    } catch (RuntimeException e) {
      LOG.error("{}: could not write the dead letter of global topic {}: {}", service, context.topic(),
          Redactor.describe(e));
    }
    return List.of();
  }

  private synchronized Producer<byte[], byte[]> globalProducer() {
    if (globalProducer == null) {
      Map<String, Object> props = new HashMap<>();
      configs.forEach((k, v) -> {
        if (ProducerConfig.configNames().contains(k) && !k.startsWith("transaction")) {
          props.put(k, v);
        }
      });
      props.put(ProducerConfig.CLIENT_ID_CONFIG, service + "-global-dead-letters");
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
      globalProducer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
    return globalProducer;
  }

  /** Builds the dead-letter record for a failed input record. */
  ProducerRecord<byte[], byte[]> deadLetter(FailureStage stage, ErrorHandlerContext context, byte[] key, byte[] value,
      Exception error) {
    String reason = Redactor.describe(error);
    DeadLetter letter = DeadLetter.newBuilder()
        .setService(service)
        .setStage(stage)
        .setSourceTopic(context == null ? null : context.topic())
        .setSourcePartition(context == null ? null : context.partition())
        .setSourceOffset(context == null ? null : context.offset())
        .setProcessorNode(context == null ? null : context.processorNodeId())
        .setReason(reason)
        .setFailedAt(Instant.now())
        .setPayloadSize(value == null ? -1 : value.length)
        .setPayloadSha256(value == null ? null : sha256(value))
        .setExcerpt(value == null ? null : excerpt(value))
        .build();
    io.micrometer.core.instrument.Counter.builder("leakguard.dead.letters")
        .description("records sent to the service's dead-letter topic")
        .tag("service", service).tag("reason", stage.name().toLowerCase(java.util.Locale.ROOT))
        .register(metrics.registry()).increment();
    LOG.warn("{}: {} failure on {}-{}@{} sent to {}: {}", service, stage,
        letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset(), topic.name(), reason);
    // The dead letter's key is a fingerprint of the original key: keys of edge topics are chosen by outsiders.
    byte[] dlqKey = key == null ? null
        : topic.keySerde().serializer().serialize(topic.name(), KeyForms.fingerprint(new String(key, StandardCharsets.UTF_8)));
    return new ProducerRecord<>(topic.name(), null, dlqKey,
        topic.valueSerde().serializer().serialize(topic.name(), letter));
  }

  /**
   * The start of the payload, printable and redacted. Redaction runs on more than the excerpt keeps (a secret that
   * straddles the cut is whole when it is redacted), and the cut comes after it.
   */
  static String excerpt(byte[] value) {
    int window = EXCERPT_CHARS + EXCERPT_CONTEXT;
    String text = new String(value, 0, Math.min(value.length, window * 4), StandardCharsets.UTF_8);
    if (text.length() > window) {
      text = text.substring(0, window);
    }
    StringBuilder printable = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> printable.appendCodePoint(Character.isISOControl(cp) && cp != '\n' ? '?' : cp));
    String redacted = Redactor.redact(printable.toString());
    return redacted.length() > EXCERPT_CHARS ? redacted.substring(0, EXCERPT_CHARS) : redacted;
  }

  private static String sha256(byte[] value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A record that cannot be deserialized: dead-letter it and carry on. */
  public static final class OnDeserialization implements DeserializationExceptionHandler {
    private DeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
      letters = fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
      return Response.resume(letters.route(
          letters.deadLetter(FailureStage.DESERIALIZATION, context, record.key(), record.value(), e), context));
    }
  }

  /** A record whose processing threw: dead-letter it and carry on. */
  public static final class OnProcessing implements ProcessingExceptionHandler {
    private DeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
      letters = fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
      return Response.resume(letters.route(
          letters.deadLetter(FailureStage.PROCESSING, context, context.sourceRawKey(), context.sourceRawValue(), e),
          context));
    }
  }

  /**
   * A record that cannot be serialized, or that the broker refuses for its own sake (too large, invalid), is
   * dead-lettered: such a failure is deterministic, and failing the service would replay the record and fail again on
   * every restart. A transient send error is retried; any other send error stops the service, since with exactly-once
   * it means the transaction, not one record, is in trouble.
   */
  public static final class OnProduction implements ProductionExceptionHandler {
    private DeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
      letters = fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
      if (e instanceof RecordTooLargeException || e instanceof InvalidRecordException) {
        return Response.resume(List.of(letters.deadLetter(FailureStage.PRODUCTION, context,
            context == null ? null : context.sourceRawKey(), context == null ? null : context.sourceRawValue(),
            new IllegalArgumentException("the output record for " + record.topic() + " was refused ("
                + e.getClass().getSimpleName() + ", " + sizeOf(record) + " bytes)", e))));
      }
      if (e instanceof RetriableException) {
        return Response.retry();
      }
      LOG.error("{}: cannot write to {}: {}", letters.service, record.topic(), Redactor.describe(e));
      return Response.fail();
    }

    private static long sizeOf(ProducerRecord<byte[], byte[]> record) {
      return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception e,
        SerializationExceptionOrigin origin) {
      return Response.resume(List.of(letters.deadLetter(FailureStage.PRODUCTION, context,
          context == null ? null : context.sourceRawKey(), context == null ? null : context.sourceRawValue(), e)));
    }
  }
}
