package io.leakguard.console;

import static org.awaitility.Awaitility.await;

import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StreamsService;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.IncidentStatus;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.Sighting;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.StepResult;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.testkit.SyntheticKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;

/** A broker, the console service on it with a token file naming alice, and helpers to write the pipeline's records. */
final class ConsoleStack implements AutoCloseable {

  static final String PREFIX = "console-it.";
  static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);

  final KafkaFixture broker;
  final StreamsService console;
  final String token = SyntheticKeys.random(32);
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  ConsoleStack(Path dir) throws Exception {
    broker = KafkaFixture.start(dir.resolve("kafka"));
    Path tokens = dir.resolve("console-tokens");
    Files.writeString(tokens, "# who may use the console\nalice " + token + "\n");
    console = StreamsService.start(new ConsoleApp(), ServiceMain.loader(new ConsoleApp()).load(Map.of(),
        List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--topic.prefix=" + PREFIX,
            "--topics.partitions=2", "--state.dir=" + dir.resolve("state"), "--health.port=-1",
            "--console.port=0", "--console.bind=127.0.0.1", "--console.token.file=" + tokens)));
    await().atMost(Duration.ofSeconds(90)).until(() -> console.state() == KafkaStreams.State.RUNNING);
  }

  int port() {
    return console.resources(ConsoleServer.class).get(0).port();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  HttpResponse<String> get(String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  <V> void produce(Topic<String, V> topic, String key, V value) throws Exception {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), topic.keySerde().serializer(),
        topic.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
    }
  }

  /** A new incident with one sighting from {@code source}; returns it as written. */
  Incident incident(String accessKeyId, LeakSourceType source, Instant first) throws Exception {
    Incident incident = Incident.newBuilder().setIncidentId(UUID.randomUUID().toString()).setAccessKeyId(accessKeyId)
        .setMaskedKey(KeyForms.mask(accessKeyId)).setKind(CredentialKind.RAM_USER_KEY).setStatus(IncidentStatus.OPEN)
        .setFirstSightedAt(first).setLastSightedAt(first).setSightingCount(1)
        .setSightings(List.of(Sighting.newBuilder().setSource(location(source)).setSightedAt(first).build()))
        .build();
    produce(TOPICS.incidents(), accessKeyId, incident);
    return incident;
  }

  static SourceLocation location(LeakSourceType source) {
    return SourceLocation.newBuilder().setType(source).setLocation("acme/app/config.yml").setLine(3).build();
  }

  /** The remediator's outcome for the incident: in {@code account}, with one step. */
  RemediationOutcome outcome(Incident incident, String account, RemediationStatus status) throws Exception {
    Instant sighted = incident.getFirstSightedAt();
    RemediationOutcome outcome = RemediationOutcome.newBuilder().setIncidentId(incident.getIncidentId())
        .setAccessKeyId(incident.getAccessKeyId()).setKind(incident.getKind()).setMaskedKey(incident.getMaskedKey())
        .setSource(incident.getSightings().get(0).getSource())
        .setOwner(Owner.newBuilder().setAccountId(account).setUserName("alice").build()).setStatus(status)
        .setSteps(List.of(RemediationStep.newBuilder().setName("FindOwner").setStartedAt(sighted.plusMillis(40))
            .setFinishedAt(sighted.plusMillis(65)).setOutcome(StepResult.OK).setDetail("user alice").build()))
        .setTimeline(Timeline.newBuilder().setSightedAt(sighted).setDetectedAt(sighted.plusMillis(10))
            .setEnrichedAt(sighted.plusMillis(30)).setRemediatedAt(sighted.plusMillis(70)).build())
        .build();
    produce(TOPICS.remediationOutcomes(), incident.getAccessKeyId(), outcome);
    return outcome;
  }

  void notification(RemediationOutcome outcome) throws Exception {
    NotificationOutcome n = NotificationOutcome.newBuilder().setIncidentId(outcome.getIncidentId())
        .setAccessKeyId(outcome.getAccessKeyId()).setMaskedKey(outcome.getMaskedKey())
        .setRemediationStatus(outcome.getStatus())
        .setDeliveries(List.of(Delivery.newBuilder().setChannel("email").setRecipient("owner").setDelivered(true)
            .build()))
        .setTimeline(Timeline.newBuilder(outcome.getTimeline()).setNotifiedAt(outcome.getTimeline().getSightedAt()
            .plusMillis(90)).build())
        .build();
    produce(TOPICS.notificationOutcomes(), outcome.getAccessKeyId(), n);
  }

  /** The decisions on the approvals topic about the incident, waiting until there is one. */
  List<ApprovalDecision> decisionsOn(String incidentId) {
    List<ApprovalDecision> found = new ArrayList<>();
    try (KafkaConsumer<String, ApprovalDecision> consumer = broker.committedReader(TOPICS.approvals())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (ConsumerRecord<String, ApprovalDecision> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key().equals(incidentId)) {
            found.add(r.value());
          }
        }
        return !found.isEmpty();
      });
    }
    return found;
  }

  @Override
  public void close() {
    console.close();
    broker.close();
  }
}
