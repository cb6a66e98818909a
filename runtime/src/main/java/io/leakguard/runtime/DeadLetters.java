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
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
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

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
  private static final int EXCERPT_CHARS = 160;

  private final String service;
  private final Topic<String, DeadLetter> topic;

  DeadLetters(String service, Topic<String, DeadLetter> topic) {
    this.service = service;
    this.topic = topic;
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
    return new DeadLetters(service.toString(), topic);
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
    LOG.warn("{}: {} failure on {}-{}@{} sent to {}: {}", service, stage,
        letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset(), topic.name(), reason);
    // The dead letter's key is a fingerprint of the original key: keys of edge topics are chosen by outsiders.
    byte[] dlqKey = key == null ? null
        : topic.keySerde().serializer().serialize(topic.name(), KeyForms.fingerprint(new String(key, StandardCharsets.UTF_8)));
    return new ProducerRecord<>(topic.name(), null, dlqKey,
        topic.valueSerde().serializer().serialize(topic.name(), letter));
  }

  private static String excerpt(byte[] value) {
    String text = new String(value, 0, Math.min(value.length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8);
    if (text.length() > EXCERPT_CHARS) {
      text = text.substring(0, EXCERPT_CHARS);
    }
    StringBuilder printable = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> printable.appendCodePoint(Character.isISOControl(cp) && cp != '\n' ? '?' : cp));
    return Redactor.redact(printable.toString());
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
      return Response.resume(List.of(
          letters.deadLetter(FailureStage.DESERIALIZATION, context, record.key(), record.value(), e)));
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
      return Response.resume(List.of(
          letters.deadLetter(FailureStage.PROCESSING, context, context.sourceRawKey(), context.sourceRawValue(), e)));
    }
  }

  /**
   * A record that cannot be serialized is dead-lettered; a transient send error is retried; any other send error
   * stops the service, since with exactly-once it means the transaction, not one record, is in trouble.
   */
  public static final class OnProduction implements ProductionExceptionHandler {
    private DeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
      letters = fromConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
      if (e instanceof RetriableException) {
        return Response.retry();
      }
      LOG.error("{}: cannot write to {}: {}", letters.service, record.topic(), Redactor.describe(e));
      return Response.fail();
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
