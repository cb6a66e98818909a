package io.leakguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.console.IncidentData;
import io.leakguard.console.IncidentQuery;
import io.leakguard.console.IncidentViews;
import io.leakguard.console.TopicSnapshot;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leakguard incidents} and {@code leakguard incident ID}: the console's data in the terminal. They read the
 * topics directly (incidents, remediation and notification outcomes, to their current end, in no consumer group), not
 * the console's API, so they need no console and no token, only what {@code approve} needs: access to Kafka. The JSON
 * is the console API's ({@link IncidentViews}).
 */
final class IncidentsCommand {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private IncidentsCommand() {}

  static IncidentViews views(KafkaOptions kafka) {
    KafkaTarget target = kafka.target();
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    try {
      return new IncidentViews(TopicSnapshot.read(props, target.topics(), READ_TIMEOUT));
    } catch (IncidentData.Unavailable e) {
      throw new Exits.Unreachable("Kafka at " + target.bootstrapServers() + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "-" : value.asText();
  }

  @Command(name = "incidents", mixinStandardHelpOptions = true, sortOptions = false,
      description = "List incidents, newest first, as the console shows them (read from the topics).",
      footer = {"", "Exit codes: 0 listed, 2 usage error, 3 cannot reach Kafka.", "", "Examples:",
          "  leakguard incidents --status awaiting-approval", "  leakguard incidents --since 24h --json"})
  static final class List implements Callable<Integer> {

    @Option(names = "--status", paramLabel = "S",
        description = "an incident status (OPEN, REMEDIATED, ...) or a remediation status (AWAITING_APPROVAL, ...)")
    String status;

    @Option(names = "--since", paramLabel = "D",
        description = "first sighted since: an instant (2026-05-01T10:00:00Z), a date or a duration back (24h, 7d)")
    String since;

    @Option(names = "--account", paramLabel = "ID", description = "the owner's account ID")
    String account;

    @Option(names = "--source", paramLabel = "TYPE", description = "SCANNER, GITHUB, SECURITY_CENTER, MANUAL, OTHER")
    String source;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "at most N (default 50, max 500)")
    int limit;

    @Option(names = "--json", description = "print the console API's JSON instead of a table")
    boolean json;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Map<String, String> parameters = new HashMap<>();
      parameters.put("status", status);
      parameters.put("since", since);
      parameters.put("account", account);
      parameters.put("source", source);
      parameters.put("limit", Integer.toString(limit));
      IncidentQuery query = IncidentQuery.parse(parameters, Clock.systemUTC());
      ObjectNode page = views(kafka).list(query);
      PrintStream out = System.out;
      if (json) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(page));
        return Exits.OK;
      }
      String format = "%-24s  %-36s  %-14s  %-10s  %-17s  %-16s  %s%n";
      out.printf(format, "FIRST SIGHTED", "INCIDENT", "KEY", "STATUS", "REMEDIATION", "ACCOUNT", "SOURCES");
      for (JsonNode i : page.path("incidents")) {
        java.util.List<String> sources = new java.util.ArrayList<>();
        i.path("sources").forEach(s -> sources.add(s.asText()));
        out.printf(format, text(i, "firstSightedAt"), text(i, "incidentId"), text(i, "maskedKey"), text(i, "status"),
            text(i, "remediationStatus") + (i.path("awaitingDecision").asBoolean() ? "*" : ""), text(i, "account"),
            String.join(",", sources));
      }
      int shown = page.path("incidents").size();
      out.println(page.path("total").asInt() + " incident(s)" + (shown < page.path("total").asInt() ? ", "
          + shown + " shown" : "") + "; * waits for a decision: leakguard approve|reject INCIDENT");
      return Exits.OK;
    }
  }

  @Command(name = "incident", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Show one incident as the console does: timeline, steps, sightings, notifications.",
      footer = {"", "Exit codes: 0 shown, 1 no such incident, 2 usage error, 3 cannot reach Kafka.", "", "Example:",
          "  leakguard incident 6f1c0c4e-... --json"})
  static final class Show implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "the incident ID")
    String incident;

    @Option(names = "--json", description = "print the console API's JSON instead of text")
    boolean json;

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
      Optional<ObjectNode> found = views(kafka).detail(incident);
      if (found.isEmpty()) {
        System.err.println("leakguard incident: no incident " + incident);
        return Exits.FINDINGS;
      }
      ObjectNode d = found.get();
      PrintStream out = System.out;
      if (json) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(d));
        return Exits.OK;
      }
      out.println("Incident " + text(d, "incidentId") + " (" + text(d, "maskedKey") + ", " + text(d, "kind") + ")");
      for (String[] f : new String[][] {{"Status", "status"}, {"Remediation", "remediationStatus"},
          {"Mode", "mode"}, {"Decided by", "decidedBy"}, {"Severity", "severity"}, {"Owner kind", "ownerKind"},
          {"Account", "account"},
          {"First sighted", "firstSightedAt"}, {"Last sighted", "lastSightedAt"}, {"Sightings", "sightingCount"}}) {
        out.printf("  %-14s %s%n", f[0] + ":", text(d, f[1]));
      }
      if (d.path("awaitingDecision").asBoolean()) {
        out.println("  Waits for a decision: leakguard approve|reject " + text(d, "incidentId"));
      }
      out.println("Timeline:");
      for (JsonNode s : d.path("timeline").path("stages")) {
        out.printf("  %-12s %s  (+%d ms)%n", text(s, "stage"), text(s, "at"), s.path("millisSinceSighted").asLong());
      }
      out.println("Steps:");
      for (JsonNode s : d.path("steps")) {
        out.printf("  %-20s %-8s %6d ms  %s%n", text(s, "name"), text(s, "outcome"), s.path("durationMillis").asLong(),
            text(s, "detail"));
      }
      out.println("Sightings:");
      for (JsonNode s : d.path("incident").path("sightings")) {
        out.printf("  %s  %-16s %s%n", text(s, "sightedAt"), text(s.path("source"), "type"),
            text(s.path("source"), "location"));
      }
      out.println("Notifications:");
      for (JsonNode n : d.path("notifications")) {
        for (JsonNode x : n.path("deliveries")) {
          out.printf("  %-18s %-10s %-16s %s%n", text(n, "remediationStatus"), text(x, "channel"),
              text(x, "recipient"), x.path("delivered").asBoolean() ? "delivered" : "failed: " + text(x, "detail"));
        }
      }
      return Exits.OK;
    }
  }
}
