package io.leakguard.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.Decision;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code leakguard approve|reject INCIDENT [--by NAME] [--comment TEXT]}: writes a person's decision on a remediation
 * waiting for approval to the approvals topic, keyed by incident ID; the remediator picks it up. The broker is
 * {@code --bootstrap-servers}, else {@code KAFKA_BOOTSTRAP_SERVERS}, else the running local stack's
 * {@code .leakguard/local.json}.
 */
final class Approvals {

  private Approvals() {}

  /** Options shared by the operator commands: where Kafka is and the topic prefix. */
  record Target(String bootstrapServers, String topicPrefix) {

    /** Takes {@code --bootstrap-servers X} and {@code --topic-prefix P} out of {@code args}. */
    static Target from(List<String> args, Map<String, String> env) throws java.io.IOException {
      String servers = take(args, "--bootstrap-servers");
      String prefix = Optional.ofNullable(take(args, "--topic-prefix"))
          .orElse(env.getOrDefault("LEAKGUARD_TOPIC_PREFIX", TopicCatalog.DEFAULT_PREFIX));
      if (servers == null) {
        servers = env.get("KAFKA_BOOTSTRAP_SERVERS");
      }
      if (servers == null) {
        Path local = Path.of(env.getOrDefault("LEAKGUARD_LOCAL_DIR", ".leakguard")).resolve("local.json");
        if (Files.exists(local)) {
          servers = new ObjectMapper().readTree(local.toFile()).path("bootstrapServers").asText(null);
        }
      }
      if (servers == null || servers.isBlank()) {
        throw new IllegalArgumentException("where is Kafka? give --bootstrap-servers HOST:PORT or set "
            + "KAFKA_BOOTSTRAP_SERVERS (or start ./leakguard local)");
      }
      return new Target(servers, prefix);
    }
  }

  /** Removes {@code --name VALUE} (or {@code --name=VALUE}) from args and returns the value, or null. */
  static String take(List<String> args, String name) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith(name + "=")) {
        args.remove(i);
        return arg.substring(name.length() + 1);
      }
      if (arg.equals(name)) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        args.remove(i);
        return args.remove(i);
      }
    }
    return null;
  }

  static int run(Decision decision, String[] argv) {
    String command = decision == Decision.APPROVE ? "approve" : "reject";
    List<String> args = new ArrayList<>(List.of(argv));
    try {
      Target target = Target.from(args, System.getenv());
      String by = Optional.ofNullable(take(args, "--by")).orElse(System.getProperty("user.name", "unknown"));
      String comment = take(args, "--comment");
      if (args.size() != 1 || args.get(0).startsWith("--")) {
        System.err.println("usage: leakguard " + command + " INCIDENT [--by NAME] [--comment TEXT] "
            + "[--bootstrap-servers HOST:PORT] [--topic-prefix P]");
        return 2;
      }
      String incident = args.get(0);
      send(target, ApprovalDecision.newBuilder().setIncidentId(incident).setDecision(decision).setDecidedBy(by)
          .setDecidedAt(Instant.now()).setComment(comment).build());
      System.out.println(command + "d incident " + incident + " as " + by + "; the remediator acts on it next");
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("leakguard " + command + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("leakguard " + command + ": could not write the decision: " + e.getMessage());
      return 1;
    }
  }

  static void send(Target target, ApprovalDecision decision) throws Exception {
    Topic<String, ApprovalDecision> topic = new TopicCatalog(target.topicPrefix()).approvals();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    try (KafkaProducer<String, ApprovalDecision> producer = new KafkaProducer<>(props, topic.keySerde().serializer(),
        topic.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), decision.getIncidentId(), decision)).get();
    }
  }
}
