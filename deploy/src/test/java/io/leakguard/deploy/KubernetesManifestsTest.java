package io.leakguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}: each overlay rendered by the real kustomize
 * ({@code kubectl kustomize}), every object validated against the JSON schema of its kind (strict: an unknown field
 * fails; {@code src/test/resources/kubernetes-schemas}), then the rules a LeakGuard deployment must keep: health
 * probes, resources, a locked-down security context, one ServiceAccount per service and no API token, a
 * PodDisruptionBudget and a NetworkPolicy per service, RRSA for the enricher, the remediator and the bridge only, and
 * no credential of any kind. The {@code github-webhook} component is rendered onto the prod overlay as well: the
 * bridge's receiver port, its Service, the one extra ingress rule, and its secrets taken from a Secret by reference.
 */
class KubernetesManifestsTest {

  private static final Path KUBERNETES = Path.of("kubernetes");
  private static final List<String> SERVICES = List.of("detector", "enricher", "remediator", "notifier", "bridge",
      "console");
  /** The console's page and API: a Service of its own and one ingress rule. */
  private static final int CONSOLE_PORT = 8088;
  private static final List<String> WITH_CLOUD_IDENTITY = List.of("enricher", "remediator", "bridge");
  /** The prod overlay with the component that turns the bridge's GitHub webhook receiver on. */
  private static final String PROD_WITH_WEBHOOK = "prod+github-webhook";
  private static final int WEBHOOK_PORT = 8443;
  private static final List<String> RRSA_ENV = List.of("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
      "ALIBABA_CLOUD_OIDC_TOKEN_FILE");
  private static final String RRSA_TOKEN_FILE = "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token";
  /** The kinds the manifests may use: one schema each. A Secret, or any other kind, has none and fails. */
  private static final List<String> KINDS = List.of("Namespace", "ServiceAccount", "ConfigMap", "StatefulSet",
      "PodDisruptionBudget", "NetworkPolicy", "Service");
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("LTAI[0-9A-Za-z]{12,}");

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();
  private static final Map<String, Schema> SCHEMAS = loadSchemas();

  private record Rendered(String text, List<JsonNode> objects, long millis) {}

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", PROD_WITH_WEBHOOK})
  void shouldRenderOnlyObjectsValidAgainstTheKubernetesSchemas(String overlay) {
    // Given
    List<JsonNode> objects = render(overlay).objects();

    // When
    long start = System.nanoTime();
    List<String> problems = new ArrayList<>();
    Map<String, Integer> byKind = new HashMap<>();
    for (JsonNode object : objects) {
      byKind.merge(object.path("kind").asText(), 1, Integer::sum);
      validate(object).forEach(error -> problems.add(name(object) + ": " + error));
    }
    long validatedMillis = (System.nanoTime() - start) / 1_000_000;

    // Then
    assertTrue(problems.isEmpty(), overlay + ": objects not valid against their schema:\n" + String.join("\n", problems));
    assertEquals(KINDS.size(), byKind.size(),
        overlay + ": every kind used, and only those: " + byKind);
    System.out.printf("KubernetesManifestsTest: %s: %d objects valid %s; kubectl kustomize %d ms, validation %d ms%n",
        overlay, objects.size(), byKind, render(overlay).millis(), validatedMillis);
  }

  @Test
  void shouldRejectBrokenObjectsSoTheValidatorIsKnownToBite() {
    // Given: the detector's StatefulSet as rendered, which is valid
    JsonNode valid = workload(render("prod").objects(), "detector");
    assertTrue(validate(valid).isEmpty());

    // When: a string for an integer, an unknown field, a misspelt security field, a missing required field
    ObjectNode badReplicas = valid.deepCopy();
    ((ObjectNode) badReplicas.path("spec")).put("replicas", "two");
    ObjectNode unknownField = valid.deepCopy();
    ((ObjectNode) unknownField.path("spec")).put("replica", 2);
    ObjectNode typo = valid.deepCopy();
    ((ObjectNode) typo.at("/spec/template/spec/containers/0/securityContext")).put("readOnlyRootFileSystem", true);
    ObjectNode noImageName = valid.deepCopy();
    ((ObjectNode) noImageName.at("/spec/template/spec/containers/0")).remove("name");

    // And the webhook's Service with a misspelt selector
    ObjectNode badService = service(render(PROD_WITH_WEBHOOK).objects(), "leakguard-bridge-webhook").deepCopy();
    assertTrue(validate(badService).isEmpty());
    ((ObjectNode) badService.path("spec")).set("selektor", badService.at("/spec/selector"));

    // Then
    for (JsonNode broken : List.of(badReplicas, unknownField, typo, noImageName, badService)) {
      assertFalse(validate(broken).isEmpty(), "a broken object passed validation: " + broken.at("/spec"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", PROD_WITH_WEBHOOK})
  void shouldProbeTheHealthEndpointsAndBoundResources(String overlay) {
    for (String service : SERVICES) {
      JsonNode container = container(workload(render(overlay).objects(), service));
      assertProbe(container.path("readinessProbe"), "/health/ready", service + " readiness");
      assertProbe(container.path("livenessProbe"), "/health/live", service + " liveness");
      assertProbe(container.path("startupProbe"), "/health/live", service + " startup");
      for (String bound : List.of("requests", "limits")) {
        for (String resource : List.of("cpu", "memory")) {
          assertFalse(container.at("/resources/" + bound + "/" + resource).asText().isBlank(),
              service + ": resources." + bound + "." + resource);
        }
      }
      assertEquals(8080, container.at("/ports/0/containerPort").asInt(), service + ": health port");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", PROD_WITH_WEBHOOK})
  void shouldRunLockedDownAsTheImageUser(String overlay) {
    for (String service : SERVICES) {
      JsonNode pod = workload(render(overlay).objects(), service).at("/spec/template/spec");
      JsonNode security = container(workload(render(overlay).objects(), service)).path("securityContext");
      assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean(), service + ": pod runAsNonRoot");
      assertTrue(security.path("runAsNonRoot").asBoolean(), service + ": runAsNonRoot");
      assertEquals(65532, security.path("runAsUser").asInt(), service + ": runAsUser");
      assertEquals(65532, security.path("runAsGroup").asInt(), service + ": runAsGroup");
      assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), service + ": readOnlyRootFilesystem");
      assertTrue(security.has("allowPrivilegeEscalation") && !security.path("allowPrivilegeEscalation").asBoolean(),
          service + ": allowPrivilegeEscalation false");
      assertEquals("[\"ALL\"]", security.at("/capabilities/drop").toString(), service + ": capabilities");
      assertEquals("RuntimeDefault", security.at("/seccompProfile/type").asText(), service + ": seccomp");
      assertEquals("metadata.name", env(container(workload(render(overlay).objects(), service)),
          "LEAKGUARD_INSTANCE_ID").at("/valueFrom/fieldRef/fieldPath").asText(), service + ": static membership id");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", PROD_WITH_WEBHOOK})
  void shouldGiveEachServiceItsOwnServiceAccountAndNoApiToken(String overlay) {
    List<JsonNode> objects = render(overlay).objects();
    List<JsonNode> accounts = ofKind(objects, "ServiceAccount");
    assertEquals(SERVICES.size(), accounts.size(), "one ServiceAccount per service");
    for (String service : SERVICES) {
      JsonNode pod = workload(objects, service).at("/spec/template/spec");
      String account = pod.path("serviceAccountName").asText();
      assertEquals("leakguard-" + service, account, service + ": its own ServiceAccount");
      assertEquals(1, accounts.stream().filter(a -> a.at("/metadata/name").asText().equals(account)).count(),
          service + ": its ServiceAccount exists once");
      assertTrue(pod.has("automountServiceAccountToken") && !pod.path("automountServiceAccountToken").asBoolean(),
          service + ": automountServiceAccountToken false");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod"})
  void shouldCoverEachServiceWithADisruptionBudgetAndANetworkPolicy(String overlay) {
    List<JsonNode> objects = render(overlay).objects();
    for (String service : SERVICES) {
      JsonNode labels = workload(objects, service).at("/spec/template/metadata/labels");
      List<JsonNode> budgets = ofKind(objects, "PodDisruptionBudget").stream()
          .filter(b -> selects(b.at("/spec/selector/matchLabels"), labels)).toList();
      assertEquals(1, budgets.size(), service + ": one PodDisruptionBudget selects it");
      List<JsonNode> policies = ofKind(objects, "NetworkPolicy").stream()
          .filter(p -> !p.at("/spec/podSelector/matchLabels").isMissingNode())
          .filter(p -> selects(p.at("/spec/podSelector/matchLabels"), labels)).toList();
      assertEquals(1, policies.size(), service + ": one NetworkPolicy of its own selects it");
      JsonNode policy = policies.get(0);
      assertEquals("[\"Ingress\",\"Egress\"]", policy.at("/spec/policyTypes").toString(), service + ": policy types");
      for (JsonNode rule : policy.at("/spec/ingress")) {
        for (JsonNode port : rule.path("ports")) {
          if (service.equals("console") && port.path("port").asInt() == CONSOLE_PORT) {
            // The page's port: from a namespace (the ingress controller's), in a rule of its own
            assertEquals(1, rule.path("ports").size(), "the console's rule opens its port only");
            assertFalse(rule.at("/from/0/namespaceSelector/matchLabels").isEmpty(), "the console from anywhere");
            continue;
          }
          assertEquals(8080, port.path("port").asInt(), service + ": ingress to the health port only");
        }
        assertFalse(rule.path("ports").isEmpty(), service + ": every ingress rule names its port");
      }
      List<Integer> egressPorts = StreamSupport.stream(policy.at("/spec/egress").spliterator(), false)
          .flatMap(rule -> StreamSupport.stream(rule.path("ports").spliterator(), false))
          .map(port -> port.path("port").asInt()).sorted().distinct().toList();
      // The console calls no cloud API and no web hook: no HTTPS out
      assertEquals(service.equals("console") ? List.of(53, 9092, 9093) : List.of(53, 443, 9092, 9093), egressPorts,
          service + ": egress to DNS, HTTPS (not the console) and Kafka only");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", PROD_WITH_WEBHOOK})
  void shouldHoldNoCredential(String overlay) {
    Rendered rendered = render(overlay);
    assertTrue(ofKind(rendered.objects(), "Secret").isEmpty(), "no Secret");
    for (String forbidden : List.of("ALIBABA_CLOUD_ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN")) {
      assertFalse(rendered.text().contains(forbidden), overlay + " contains " + forbidden);
    }
    assertFalse(ACCESS_KEY_ID.matcher(rendered.text()).find(), overlay + " contains an AccessKey ID");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", PROD_WITH_WEBHOOK})
  void shouldGiveRrsaToTheServicesThatCallTheCloudOnly(String overlay) {
    List<JsonNode> objects = render(overlay).objects();
    for (String service : SERVICES) {
      JsonNode workload = workload(objects, service);
      JsonNode container = container(workload);
      List<JsonNode> tokenVolumes = StreamSupport.stream(workload.at("/spec/template/spec/volumes").spliterator(),
          false).filter(v -> v.at("/projected/sources").findValue("serviceAccountToken") != null).toList();
      if (!WITH_CLOUD_IDENTITY.contains(service)) {
        for (String name : RRSA_ENV) {
          assertTrue(env(container, name).isMissingNode(), service + " has " + name);
        }
        assertTrue(tokenVolumes.isEmpty(), service + " has a service account token volume");
        continue;
      }
      String roleArn = configMapValue(objects, env(container, "ALIBABA_CLOUD_ROLE_ARN"));
      assertTrue(roleArn.matches("acs:ram::[A-Z0-9_]+:role/leakguard-" + service), service + ": role " + roleArn);
      String providerArn = configMapValue(objects, env(container, "ALIBABA_CLOUD_OIDC_PROVIDER_ARN"));
      assertTrue(providerArn.matches("acs:ram::[A-Z0-9_]+:oidc-provider/ack-rrsa-[A-Za-z0-9_]+"),
          service + ": OIDC provider " + providerArn);
      assertEquals(RRSA_TOKEN_FILE, env(container, "ALIBABA_CLOUD_OIDC_TOKEN_FILE").path("value").asText());

      assertEquals(1, tokenVolumes.size(), service + ": one token volume");
      JsonNode token = tokenVolumes.get(0).at("/projected/sources").findValue("serviceAccountToken");
      assertEquals("sts.aliyuncs.com", token.path("audience").asText(), service + ": audience");
      assertEquals(3600, token.path("expirationSeconds").asInt(), service + ": token lifetime");
      String volume = tokenVolumes.get(0).path("name").asText();
      JsonNode mount = StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
          .filter(m -> m.path("name").asText().equals(volume)).findFirst().orElseThrow();
      assertEquals(RRSA_TOKEN_FILE, mount.path("mountPath").asText() + "/" + token.path("path").asText());
      assertTrue(mount.path("readOnly").asBoolean(), service + ": token mounted read-only");
    }
  }

  @Test
  void shouldRunTwoInstancesOfEveryServiceInProduction() {
    for (String service : SERVICES) {
      int replicas = workload(render("prod").objects(), service).at("/spec/replicas").asInt();
      if (service.equals("console")) {
        // It answers from its own stores: a second instance would see only its own partitions
        assertEquals(1, replicas, "console: one instance");
        continue;
      }
      assertTrue(replicas >= 2, service + ": " + replicas + " replicas in prod");
    }
    assertEquals("1", configMap(render("prod").objects(), "leakguard-config").path("KAFKA_NUM_STANDBY_REPLICAS")
        .asText(), "a standby replica of every store when there are two instances");
  }

  @Test
  void shouldLogJsonInProductionAndTextElsewhere() {
    assertEquals("json", configMap(render("prod").objects(), "leakguard-config").path("LEAKGUARD_LOG_FORMAT").asText());
    assertEquals("text", configMap(render("dev").objects(), "leakguard-config").path("LEAKGUARD_LOG_FORMAT").asText());
  }

  @Test
  void shouldExposeTheWebhookReceiverOnlyWithTheComponentAndOnlyToTheIngress() {
    // Given the prod overlay without and with the github-webhook component
    List<JsonNode> plain = render("prod").objects();
    List<JsonNode> objects = render(PROD_WITH_WEBHOOK).objects();

    // Then without it: no Service of the bridge, the receiver off (bridge.github.webhook.port's default, -1)
    assertTrue(ofKind(plain, "Service").stream().noneMatch(s -> s.at("/spec/selector").toString().contains("bridge")),
        "no Service of the bridge without the component");
    assertTrue(env(container(workload(plain, "bridge")), "LEAKGUARD_BRIDGE_GITHUB_WEBHOOK_PORT").isMissingNode());

    // And with it: the receiver on its port, its secret from the Secret leakguard-github by reference only
    JsonNode bridge = container(workload(objects, "bridge"));
    assertEquals(String.valueOf(WEBHOOK_PORT), env(bridge, "LEAKGUARD_BRIDGE_GITHUB_WEBHOOK_PORT").path("value")
        .asText());
    for (String secret : List.of("LEAKGUARD_GITHUB_WEBHOOK_SECRET", "LEAKGUARD_GITHUB_TOKEN")) {
      JsonNode variable = env(bridge, secret);
      assertFalse(variable.has("value"), secret + " must not be a literal");
      assertEquals("leakguard-github", variable.at("/valueFrom/secretKeyRef/name").asText(), secret);
    }
    assertTrue(StreamSupport.stream(bridge.path("ports").spliterator(), false).anyMatch(p ->
        p.path("containerPort").asInt() == WEBHOOK_PORT && p.path("name").asText().equals("webhook")), "port");
    for (String service : SERVICES) {
      if (!service.equals("bridge")) {
        assertTrue(env(container(workload(objects, service)), "LEAKGUARD_BRIDGE_GITHUB_WEBHOOK_PORT").isMissingNode(),
            service + " has the receiver's port");
      }
    }

    // And one Service more, in the namespace, selecting the bridge's pods and targeting the receiver's port
    assertEquals(ofKind(plain, "Service").size() + 1, ofKind(objects, "Service").size(), "one Service more");
    JsonNode service = service(objects, "leakguard-bridge-webhook");
    assertEquals("leakguard", service.at("/metadata/namespace").asText(), "the Service's namespace");
    assertTrue(selects(service.at("/spec/selector"), workload(objects, "bridge").at("/spec/template/metadata/labels")),
        "the Service selects the bridge");
    assertEquals("[{\"name\":\"webhook\",\"port\":" + WEBHOOK_PORT + ",\"protocol\":\"TCP\",\"targetPort\":"
        + "\"webhook\"}]", service.at("/spec/ports").toString());

    // And the bridge's policy lets the receiver's port in from the ingress controller's namespace only, the health
    // port as before, and no other service's policy changed
    JsonNode policy = ofKind(objects, "NetworkPolicy").stream()
        .filter(p -> p.at("/metadata/name").asText().equals("leakguard-bridge")).findFirst().orElseThrow();
    List<JsonNode> webhookRules = StreamSupport.stream(policy.at("/spec/ingress").spliterator(), false)
        .filter(r -> r.path("ports").findValues("port").stream().anyMatch(p -> p.asInt() == WEBHOOK_PORT)).toList();
    assertEquals(1, webhookRules.size(), "one ingress rule for the receiver");
    assertEquals(1, webhookRules.get(0).path("ports").size(), "the receiver's rule opens its port only");
    JsonNode from = webhookRules.get(0).path("from");
    assertEquals(1, from.size(), "the receiver's rule names its peer");
    assertFalse(from.get(0).at("/namespaceSelector/matchLabels").isEmpty(), "from a namespace, not from anywhere");
    for (JsonNode other : ofKind(objects, "NetworkPolicy")) {
      if (!other.at("/metadata/name").asText().equals("leakguard-bridge")) {
        assertEquals(ofKind(plain, "NetworkPolicy").stream().filter(p -> p.at("/metadata/name").equals(
            other.at("/metadata/name"))).findFirst().orElseThrow(), other, name(other) + " changed");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "prod", PROD_WITH_WEBHOOK})
  void shouldServeTheConsoleWithItsTokensFromASecretByReference(String overlay) {
    List<JsonNode> objects = render(overlay).objects();
    JsonNode console = container(workload(objects, "console"));

    // Then its page's port, and a Service in the namespace selecting it and targeting that port
    assertTrue(StreamSupport.stream(console.path("ports").spliterator(), false).anyMatch(p ->
        p.path("containerPort").asInt() == CONSOLE_PORT), "the console's port");
    assertEquals(String.valueOf(CONSOLE_PORT), env(console, "LEAKGUARD_CONSOLE_PORT").path("value").asText());
    JsonNode service = service(objects, "leakguard-console");
    assertEquals("leakguard", service.at("/metadata/namespace").asText());
    assertTrue(selects(service.at("/spec/selector"), workload(objects, "console").at("/spec/template/metadata/labels")),
        "the Service selects the console");
    assertEquals(CONSOLE_PORT, service.at("/spec/ports/0/targetPort").asInt());

    // And the tokens: a file from the Secret leakguard-console-tokens, mounted read-only, never a literal
    assertTrue(env(console, "LEAKGUARD_CONSOLE_TOKEN").isMissingNode(), "no token in the environment");
    String file = env(console, "LEAKGUARD_CONSOLE_TOKEN_FILE").path("value").asText();
    JsonNode volume = StreamSupport.stream(workload(objects, "console").at("/spec/template/spec/volumes")
        .spliterator(), false).filter(v -> v.has("secret")).findFirst().orElseThrow();
    assertEquals("leakguard-console-tokens", volume.at("/secret/secretName").asText());
    JsonNode mount = StreamSupport.stream(console.path("volumeMounts").spliterator(), false)
        .filter(m -> m.path("name").asText().equals(volume.path("name").asText())).findFirst().orElseThrow();
    assertTrue(mount.path("readOnly").asBoolean(), "tokens mounted read-only");
    assertEquals(file, mount.path("mountPath").asText() + "/" + volume.at("/secret/items/0/path").asText());
    assertEquals(0, volume.at("/secret/defaultMode").asInt() & 07, "tokens unreadable by others");
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static JsonNode service(List<JsonNode> objects, String name) {
    return ofKind(objects, "Service").stream().filter(s -> s.at("/metadata/name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no Service " + name));
  }

  private static Rendered render(String overlay) {
    return RENDERED.computeIfAbsent(overlay, KubernetesManifestsTest::kustomize);
  }

  /**
   * {@code kubectl kustomize deploy/kubernetes/overlays/OVERLAY}: the real kustomize, as `kubectl apply -k` runs it.
   * {@value #PROD_WITH_WEBHOOK}: a kustomization under {@code target/} of the prod overlay and the component, as an
   * operator's overlay would name them (kustomize takes relative paths only).
   */
  private static Rendered kustomize(String overlay) {
    Path dir = overlay.equals(PROD_WITH_WEBHOOK) ? withWebhook() : KUBERNETES.resolve("overlays").resolve(overlay);
    long start = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder("kubectl", "kustomize", dir.toString())
        .redirectError(ProcessBuilder.Redirect.PIPE);
    try {
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        return fail("kubectl is required to render deploy/kubernetes (kubectl 1.27+, with kustomize v5): "
            + e.getMessage());
      }
      byte[] out = process.getInputStream().readAllBytes();
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return fail("kubectl kustomize " + dir + " failed (a kubectl older than 1.27 has a kustomize that cannot read "
            + "these files):\n" + err);
      }
      String text = new String(out, StandardCharsets.UTF_8);
      List<JsonNode> objects = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll();
      return new Rendered(text, objects.stream().filter(o -> !o.isNull()).toList(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path withWebhook() {
    Path dir = Path.of("target", "kustomize-prod-github-webhook");
    try {
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve("kustomization.yaml"), """
          apiVersion: kustomize.config.k8s.io/v1beta1
          kind: Kustomization
          resources:
            - ../../kubernetes/overlays/prod
          components:
            - ../../kubernetes/components/github-webhook
          """);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private static Map<String, Schema> loadSchemas() {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    Map<String, Schema> schemas = new HashMap<>();
    for (String kind : KINDS) {
      String resource = "/kubernetes-schemas/" + kind.toLowerCase(Locale.ROOT) + ".json";
      try (InputStream in = KubernetesManifestsTest.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing schema " + resource);
        }
        schemas.put(kind, registry.getSchema(in));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return schemas;
  }

  private static List<String> validate(JsonNode object) {
    String kind = object.path("kind").asText();
    Schema schema = SCHEMAS.get(kind);
    if (schema == null) {
      return List.of("kind '" + kind + "' is not one the manifests may use " + KINDS);
    }
    return schema.validate(object).stream().map(Error::toString).toList();
  }

  private static String name(JsonNode object) {
    return object.path("kind").asText() + "/" + object.at("/metadata/name").asText();
  }

  private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  /** The one workload whose pods are the service's. */
  private static JsonNode workload(List<JsonNode> objects, String service) {
    List<JsonNode> found = objects.stream()
        .filter(o -> o.path("kind").asText().equals("StatefulSet") || o.path("kind").asText().equals("Deployment"))
        .filter(o -> o.at("/spec/template/metadata/labels/app.kubernetes.io~1name").asText().equals(service))
        .toList();
    assertEquals(1, found.size(), "one workload for " + service);
    return found.get(0);
  }

  private static JsonNode container(JsonNode workload) {
    JsonNode containers = workload.at("/spec/template/spec/containers");
    assertEquals(1, containers.size(), name(workload) + ": one container");
    return containers.get(0);
  }

  private static JsonNode env(JsonNode container, String name) {
    return StreamSupport.stream(container.path("env").spliterator(), false)
        .filter(e -> e.path("name").asText().equals(name)).findFirst().map(JsonNode.class::cast)
        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
  }

  /** The value a configMapKeyRef points at; the ConfigMap must be among the rendered objects. */
  private static String configMapValue(List<JsonNode> objects, JsonNode envVar) {
    JsonNode ref = envVar.at("/valueFrom/configMapKeyRef");
    assertFalse(ref.isMissingNode(), envVar + " comes from a ConfigMap");
    JsonNode value = configMap(objects, ref.path("name").asText()).path(ref.path("key").asText());
    assertFalse(value.isMissingNode(), "ConfigMap " + ref + " has the key");
    return value.asText();
  }

  private static JsonNode configMap(List<JsonNode> objects, String nameOrGeneratedName) {
    return ofKind(objects, "ConfigMap").stream()
        .filter(c -> c.at("/metadata/name").asText().equals(nameOrGeneratedName)
            || c.at("/metadata/name").asText().matches(Pattern.quote(nameOrGeneratedName) + "-[a-z0-9]{10}"))
        .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + nameOrGeneratedName)).path("data");
  }

  private static boolean selects(JsonNode matchLabels, JsonNode labels) {
    if (matchLabels.isMissingNode() || matchLabels.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> label : matchLabels.properties()) {
      if (!labels.path(label.getKey()).asText().equals(label.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  private static void assertProbe(JsonNode probe, String path, String what) {
    assertEquals(path, probe.at("/httpGet/path").asText(), what + " path");
    assertEquals(8080, probe.at("/httpGet/port").asInt(), what + " port");
  }
}
