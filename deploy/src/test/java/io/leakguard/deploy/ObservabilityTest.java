package io.leakguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.leakguard.remediator.RemediatorApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alerts and the dashboard of {@code deploy/observability}. Prometheus' own {@code promtool} checks the rules
 * ({@code check rules}) and runs their unit tests ({@code test rules alerts.test.yml}); it also parses every PromQL
 * expression of the dashboard, written into a scratch rules file. A simple tokenizer then checks that every expression,
 * of the rules and of the dashboard, names only the metrics of {@code metrics.txt}, the Kafka binder metrics of
 * {@code binder-metrics.txt}, Prometheus' {@code up} and the rules' own recorded series, and that the dashboard shows
 * every metric of {@code metrics.txt}. Grafana publishes no JSON schema of its dashboard model (its schema is CUE and
 * TypeScript in Grafana's sources), so the dashboard's structure is checked here: the parts Grafana needs to import it.
 */
class ObservabilityTest {

  private static final Path DIR = Path.of("observability");
  private static final Path ALERTS = DIR.resolve("alerts.yml");
  private static final Path ALERT_TESTS = DIR.resolve("alerts.test.yml");
  private static final Path DASHBOARD = DIR.resolve("dashboard.json");
  private static final Path SCRAPE_CONFIG = DIR.resolve("prometheus.yml");
  private static final Path README = Path.of("..", "README.md");
  private static final List<String> SERVICES = List.of("detector", "enricher", "remediator", "notifier", "bridge");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning");
  /** Grafana 11's schema version and later: an older one makes Grafana migrate the dashboard on import. */
  private static final int MIN_SCHEMA_VERSION = 39;
  /** Grafana's interval macros, which are not PromQL: replaced by a duration before promtool parses an expression. */
  private static final Pattern GRAFANA_MACRO = Pattern.compile("\\$__(rate_interval|interval|range)");

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldPassPromtoolCheckRules() {
    // When
    Result result = promtool("check", "rules", ALERTS.toString());

    // Then
    assertEquals(0, result.exit(), "promtool check rules " + ALERTS + ":\n" + result.output());
  }

  @Test
  void shouldPassTheRuleUnitTests() {
    // When
    Result result = promtool("test", "rules", ALERT_TESTS.toString());

    // Then
    assertEquals(0, result.exit(), "promtool test rules " + ALERT_TESTS + ":\n" + result.output());
  }

  @Test
  void shouldTestEveryAlertFiringAndStayingQuiet() {
    // Given
    Set<String> alerts = alerts().keySet();
    Set<String> fires = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();

    // When
    for (JsonNode test : readYaml(ALERT_TESTS).path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        String alert = check.path("alertname").asText();
        (check.path("exp_alerts").isEmpty() ? quiet : fires).add(alert);
      }
    }

    // Then
    for (String alert : alerts) {
      assertTrue(fires.contains(alert), alert + " has no test case where it fires (" + ALERT_TESTS + ")");
      assertTrue(quiet.contains(alert), alert + " has no test case where it stays quiet (" + ALERT_TESTS + ")");
    }
  }

  @Test
  void shouldGiveEveryAlertASeverityAnnotationsAndARunbookInTheReadme() throws IOException {
    // Given
    Set<String> anchors = readmeAnchors();

    // Then
    alerts().forEach((name, rule) -> {
      assertTrue(SEVERITIES.contains(rule.path("labels").path("severity").asText()),
          name + ": severity must be one of " + SEVERITIES);
      JsonNode annotations = rule.path("annotations");
      for (String key : List.of("summary", "description", "runbook")) {
        assertFalse(annotations.path(key).asText().isBlank(), name + ": no " + key + " annotation");
      }
      String runbook = annotations.path("runbook").asText();
      assertTrue(runbook.startsWith("README.md#"), name + ": the runbook is a README anchor: " + runbook);
      String anchor = runbook.substring("README.md#".length());
      assertTrue(anchors.contains(anchor), name + ": README.md has no heading with the anchor #" + anchor);
    });
  }

  @Test
  void shouldAlertOnAnApprovalOlderThanTheRemediatorsDefaultTimeout() {
    // Given
    Duration timeout = RemediatorApp.APPROVAL_TIMEOUT.parser().apply(RemediatorApp.APPROVAL_TIMEOUT.defaultValue());
    String expr = alerts().get("LeakGuardApprovalOverdue").path("expr").asText();

    // Then
    assertTrue(expr.contains("> " + timeout.toSeconds()),
        "LeakGuardApprovalOverdue must fire past remediation.approval.timeout's default, " + timeout.toSeconds()
            + " s: " + expr);
  }

  @Test
  void shouldParseEveryDashboardExpressionWithPromtool(@TempDir Path scratch) throws IOException {
    // Given: the dashboard's expressions as recording rules, the one way promtool 2 parses PromQL offline.
    ArrayNode rules = YAML.createArrayNode();
    List<String> exprs = dashboardExpressions();
    for (int i = 0; i < exprs.size(); i++) {
      rules.addObject().put("record", "dashboard:expression_" + i).put("expr", promql(exprs.get(i)));
    }
    ObjectNode file = YAML.createObjectNode();
    file.putArray("groups").addObject().put("name", "dashboard").set("rules", rules);
    Path rulesFile = scratch.resolve("dashboard-rules.yml");
    YAML.writeValue(rulesFile.toFile(), file);

    // When
    Result result = promtool("check", "rules", rulesFile.toString());

    // Then
    assertEquals(0, result.exit(), "a dashboard expression is not valid PromQL:\n" + result.output());
  }

  @Test
  void shouldNameOnlyKnownMetricsInEveryExpression() {
    // Given
    Set<String> known = new HashSet<>(exposedSeries());
    known.addAll(binderMetrics());
    known.add("up");
    known.addAll(recordedSeries());
    Map<String, String> exprs = new LinkedHashMap<>();
    alerts().forEach((name, rule) -> exprs.put("alert " + name, rule.path("expr").asText()));
    for (JsonNode rule : rules()) {
      if (rule.has("record")) {
        exprs.put("record " + rule.path("record").asText(), rule.path("expr").asText());
      }
    }
    List<String> dashboardExprs = dashboardExpressions();

    // When
    List<String> unknown = new ArrayList<>();
    exprs.forEach((where, expr) -> metricNames(expr).stream().filter(name -> !known.contains(name))
        .forEach(name -> unknown.add(where + ": " + name)));
    for (String expr : dashboardExprs) {
      metricNames(expr).stream().filter(name -> !known.contains(name))
          .forEach(name -> unknown.add("dashboard: " + name + " in " + expr));
    }

    // Then
    assertEquals(List.of(), unknown, "metrics named by no metrics.txt or binder-metrics.txt line");
  }

  @Test
  void shouldShowEveryLeakGuardMetricOnTheDashboard() {
    // Given
    Set<String> used = dashboardExpressions().stream().flatMap(expr -> metricNames(expr).stream())
        .map(name -> name.replaceAll("_(bucket|sum|count)$", "")).collect(Collectors.toSet());

    // Then
    Set<String> missing = new TreeSet<>(metrics().keySet());
    missing.removeAll(used);
    assertEquals(Set.of(), missing, "metrics.txt metrics the dashboard does not show");
    assertTrue(used.containsAll(binderMetrics()), "the dashboard shows every binder metric: " + binderMetrics());
  }

  @Test
  void shouldFindMetricNamesAndNothingElse() {
    // The tokenizer itself: label names, functions, keywords, strings, durations and numbers are not metrics.
    assertEquals(Set.of("a_bucket", "b_total", "c"), metricNames("histogram_quantile(0.99, sum by (le, stage) "
        + "(rate(a_bucket{le=~\"60|b_x\", job!=\"up\"}[$__rate_interval]))) + on (job) group_left (x) "
        + "(increase(b_total[10m] offset 1h) > bool 1e3) or c unless absent(c) and sum without (le) (c)"));
  }

  @Test
  void shouldHaveTheDashboardStructureGrafanaImports() throws IOException {
    // Given
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());

    // Then: the dashboard itself
    assertFalse(dashboard.path("uid").asText().isBlank(), "dashboard uid");
    assertFalse(dashboard.path("title").asText().isBlank(), "dashboard title");
    assertTrue(dashboard.path("schemaVersion").asInt() >= MIN_SCHEMA_VERSION, "schemaVersion " + MIN_SCHEMA_VERSION
        + " or later");
    assertTrue(dashboard.path("id").isMissingNode() || dashboard.path("id").isNull(),
        "no numeric id: Grafana assigns it on import");
    JsonNode datasource = StreamSupport.stream(dashboard.path("templating").path("list").spliterator(), false)
        .filter(variable -> variable.path("name").asText().equals("datasource")).findFirst()
        .orElseGet(() -> fail("no `datasource` template variable"));
    assertEquals("datasource", datasource.path("type").asText(), "the datasource variable's type");
    assertEquals("prometheus", datasource.path("query").asText(), "the datasource variable's plugin");

    // Then: every panel
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      String title = panel.path("title").asText();
      assertFalse(title.isBlank(), "a panel without a title");
      assertTrue(ids.add(panel.path("id").asInt(-1)) && panel.path("id").isInt(), title + ": a unique numeric id");
      JsonNode grid = panel.path("gridPos");
      for (String key : List.of("h", "w", "x", "y")) {
        assertTrue(grid.path(key).isInt() && grid.path(key).asInt() >= 0, title + ": gridPos." + key);
      }
      assertTrue(grid.path("x").asInt() + grid.path("w").asInt() <= 24, title + ": wider than Grafana's 24 columns");
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertFalse(panel.path("type").asText().isBlank(), title + ": no type");
      assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title + ": the panel's datasource");
      JsonNode targets = panel.path("targets");
      assertFalse(targets.isEmpty(), title + ": no query");
      Set<String> refIds = new HashSet<>();
      for (JsonNode target : targets) {
        assertTrue(refIds.add(target.path("refId").asText()), title + ": refIds must be unique");
        assertEquals("${datasource}", target.path("datasource").path("uid").asText(),
            title + ": the query's datasource");
        assertFalse(target.path("expr").asText().isBlank(), title + ": a query without an expression");
      }
    }
  }

  @Test
  void shouldScrapeTheServicesWithTheServiceAsJob() {
    // promtool check config cannot read this file: Debian's Prometheus is built without Kubernetes discovery.
    JsonNode config = readYaml(SCRAPE_CONFIG);
    assertEquals(List.of("alerts.yml"), texts(config.path("rule_files")), "the scrape configuration loads alerts.yml");
    JsonNode job = config.path("scrape_configs").path(0);
    assertEquals("/metrics", job.path("metrics_path").asText());
    boolean jobIsTheService = StreamSupport.stream(job.path("relabel_configs").spliterator(), false)
        .anyMatch(relabel -> relabel.path("target_label").asText().equals("job")
            && texts(relabel.path("source_labels"))
                .equals(List.of("__meta_kubernetes_pod_label_app_kubernetes_io_name")));
    assertTrue(jobIsTheService, "job must be set from the pod's app.kubernetes.io/name (the alerts match on it)");
    String serviceDown = alerts().get("LeakGuardServiceDown").path("expr").asText();
    assertTrue(serviceDown.contains(String.join("|", SERVICES)), "LeakGuardServiceDown covers every service");
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** The metric names an expression refers to. Crude but enough for the expressions here; its own test shows what. */
  static Set<String> metricNames(String expr) {
    String text = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'", "\"\"") // strings
        .replaceAll("\\{[^\\}]*\\}", "{}") // label matchers
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
        .replaceAll("\\[[^\\]]*\\]", " ") // ranges and subqueries
        .replaceAll("\\boffset\\s+-?\\w+", " ");
    Set<String> keywords = Set.of("and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left",
        "group_right", "offset", "inf", "nan");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*)(\\s*\\()?").matcher(text);
    while (m.find()) {
      String token = m.group(1);
      if (m.group(2) == null && !keywords.contains(token.toLowerCase(Locale.ROOT))) {
        names.add(token);
      }
    }
    return names;
  }

  private static String promql(String expr) {
    return GRAFANA_MACRO.matcher(expr).replaceAll("5m");
  }

  /** metrics.txt: each name and its type. */
  private static Map<String, String> metrics() {
    Map<String, String> metrics = new LinkedHashMap<>();
    for (String line : contractLines(DIR.resolve("metrics.txt"))) {
      String[] parts = line.split("\\s+");
      assertEquals(2, parts.length, "metrics.txt: `name type` a line: " + line);
      assertTrue(parts[0].matches("leakguard_[a-z_]+"), "metrics.txt: a LeakGuard name: " + line);
      assertTrue(Set.of("counter", "gauge", "histogram").contains(parts[1]), "metrics.txt: a type: " + line);
      assertEquals(parts[1].equals("counter"), parts[0].endsWith("_total"),
          "metrics.txt: counters, and only counters, end _total: " + line);
      metrics.put(parts[0], parts[1]);
    }
    return metrics;
  }

  /** The series names metrics.txt's metrics are exposed as: a histogram's three. */
  private static Set<String> exposedSeries() {
    Set<String> series = new HashSet<>();
    metrics().forEach((name, type) -> {
      if (type.equals("histogram")) {
        List.of("_bucket", "_sum", "_count").forEach(suffix -> series.add(name + suffix));
      } else {
        series.add(name);
      }
    });
    return series;
  }

  private static Set<String> binderMetrics() {
    return contractLines(DIR.resolve("binder-metrics.txt")).stream().map(line -> line.split("\\s+")[0])
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> contractLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<JsonNode> rules() {
    List<JsonNode> rules = new ArrayList<>();
    readYaml(ALERTS).path("groups").forEach(group -> group.path("rules").forEach(rules::add));
    return rules;
  }

  private static Map<String, JsonNode> alerts() {
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    rules().stream().filter(rule -> rule.has("alert")).forEach(rule -> alerts.put(rule.path("alert").asText(), rule));
    return alerts;
  }

  private static Set<String> recordedSeries() {
    return rules().stream().filter(rule -> rule.has("record")).map(rule -> rule.path("record").asText())
        .collect(Collectors.toSet());
  }

  private static List<String> dashboardExpressions() {
    try {
      List<String> exprs = new ArrayList<>();
      for (JsonNode panel : JSON.readTree(DASHBOARD.toFile()).path("panels")) {
        panel.path("targets").forEach(target -> exprs.add(target.path("expr").asText()));
      }
      return exprs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The anchors GitHub gives the README's headings: lower case, punctuation dropped, spaces to hyphens. */
  private static Set<String> readmeAnchors() throws IOException {
    Set<String> anchors = new LinkedHashSet<>();
    for (String line : Files.readAllLines(README, StandardCharsets.UTF_8)) {
      if (line.startsWith("#")) {
        String heading = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
        anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  private static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private record Result(int exit, String output) {}

  private static Result promtool(String... args) {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(args));
    try {
      Process process;
      try {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        return fail("promtool is required to check deploy/observability (Debian: apt-get install -y prometheus; "
            + ".ci/run installs it): " + e.getMessage());
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return fail(String.join(" ", command) + " did not finish within 120 s:\n" + output);
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
