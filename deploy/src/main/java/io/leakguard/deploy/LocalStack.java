package io.leakguard.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.leakguard.bridge.securitycenter.SecurityCenterBridge;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * The whole pipeline on this machine, each component its own process (so one can be stopped or killed alone): an
 * embedded Kafka broker (or a cluster of three or more, each node its own process and data directory), the Alibaba
 * Cloud emulator seeded with a demo fleet, a mail server (SMTP for the notifier, IMAP to read the demo users' and
 * the security team's mailboxes; {@link LocalMail}), and the five services (one or more instances each, each
 * instance its own process, state directory and health port). Writes the connection details and every process (PID,
 * role, health URL, log) to {@code <dir>/local.json} and each process's output to {@code <dir>/logs/}.
 *
 * <p>The bridge polls the emulator's Security Center every {@link #SAS_POLL_INTERVAL}, so a key marked exposed there
 * ({@code POST /admin/keys/{id}/exposed}) goes through the whole pipeline and its leak record is marked handled at
 * the end. Its GitHub webhook receiver stays off: it needs a webhook secret (README, "GitHub secret scanning").
 *
 * <p>The services get their cloud credentials the production way, RRSA: an OIDC token file and the default chain's
 * environment variables ({@link RrsaIdentities}); every {@code ALIBABA_CLOUD_*} variable of the caller's environment
 * is removed first, so a developer's real credentials can never reach the local stack.
 */
final class LocalStack implements AutoCloseable {

  static final String SERVICE_JVM_MEMORY = "-Xmx384m";
  /**
   * The local stack's JVMs compile with C1 only. Its processes share one machine's few cores, and C2 was most of their
   * work: measured on ClusterChaosIT (fifteen JVMs on 2 cores), the C2 compiler threads took 234 s of the 427 s of CPU
   * the stack used, broker and services alike. C1 code runs hot paths slower, but a local stack's paths are the glue of
   * clients and brokers, never hot for long. Images and {@code leakguard run} keep the JVM's default, both compilers.
   */
  static final String LOCAL_JIT = "-XX:TieredStopAtLevel=1";
  /** Generous: a cluster stack is 15 JVMs starting at once, which on two cores takes a minute or two. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
  private static final List<String> SERVICES = List.of("detector", "enricher", "remediator", "notifier", "bridge",
      "console");
  /** The file holding the console's generated token, owner-only: what a person pastes into the page. */
  static final String CONSOLE_TOKEN_FILE = "console-token";
  /**
   * The bridge's Security Center poll here: short, so a key marked exposed in the emulator is picked up within
   * seconds. A local-stack tuning only; the service's own default stays 60 s.
   */
  static final String SAS_POLL_INTERVAL = "5s";

  /**
   * Options of {@code demo} and {@code local}.
   *
   * @param dir            the stack's directory (absolute)
   * @param keepCloudState whether the emulator saves its state to {@code <dir>/emulator-state.json} on stop and
   *                       loads it on start, so a restarted local stack keeps its accounts, keys and secrets
   * @param brokers        Kafka nodes: 1, or 3 and more (replication factor 3, {@code min.insync.replicas=2})
   * @param instances      instances of each service; with more than one, each keeps a standby of its state
   *                       elsewhere ({@code num.standby.replicas=1})
   * @param serviceEnv     more environment for every service (options such as {@code LEAKGUARD_CLOUD_FLEET})
   * @param extraFleet     from the demo account's ID, more of the emulator's seed (fleet JSON: member accounts whose
   *                       roles trust the demo account, say), seeded before any service starts; or null
   */
  record Options(Path dir, boolean keepCloudState, int brokers, int instances, Map<String, String> serviceEnv,
      java.util.function.Function<String, String> extraFleet) {
    Options {
      if (brokers != 1 && brokers < 3) {
        throw new IllegalArgumentException("--brokers is 1, or 3 or more (a quorum that survives the loss of a "
            + "node, and min.insync.replicas=2 with replication factor 3), not " + brokers);
      }
      if (instances < 1) {
        throw new IllegalArgumentException("--instances is at least 1, not " + instances);
      }
      serviceEnv = Map.copyOf(serviceEnv);
    }

    Options(Path dir, boolean keepCloudState) {
      this(dir, keepCloudState, 1, 1, Map.of(), null);
    }
  }

  /**
   * A started child process.
   *
   * @param name      unique in the stack: the role, numbered when the stack runs more than one ({@code broker-2},
   *                  {@code remediator-1})
   * @param role      {@code broker}, {@code emulator} or the service
   * @param healthUrl the readiness URL of a service, else null
   */
  record Component(String name, String role, Process process, Path log, String healthUrl) {}

  private final Path dir;
  private final DemoFleet fleet;
  private final TopicCatalog topics = new TopicCatalog(TopicCatalog.DEFAULT_PREFIX);
  private final List<Component> components = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final String adminToken = io.leakguard.cloud.RandomCredentials.hex(24);
  private String bootstrapServers;
  private String emulatorEndpoint;
  private String emulatorHttpsEndpoint;
  private RrsaIdentities rrsa;
  private final List<LocalMail.Mailbox> mailboxes = LocalMail.mailboxes(DemoFleet.USERS);
  private int smtpPort;
  private int imapPort;
  private Path routingFile;

  private final Options options;
  private final Map<String, Integer> lastInstance = new HashMap<>();
  private Map<String, String> notifierEnv = Map.of();
  /** The console's bearer token, generated per run; its identity is the user running the stack. */
  private final String consoleToken = io.leakguard.cloud.RandomCredentials.hex(24);
  private String consoleUrl;
  /** The signing secret of the webhook given without one: generated per run, in no file. */
  private final String webhookSecret = io.leakguard.cloud.RandomCredentials.hex(32);

  private LocalStack(Options options, DemoFleet fleet) {
    this.dir = options.dir();
    this.options = options;
    this.fleet = fleet;
  }

  /** Starts everything and returns once every service is ready (Kafka Streams RUNNING). */
  static LocalStack start(Options options, Map<String, String> notifierEnv) throws Exception {
    LocalStack stack = new LocalStack(options, DemoFleet.generate());
    try {
      stack.notifierEnv = Map.copyOf(notifierEnv);
      stack.startAll();
      return stack;
    } catch (Exception e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    prepareDirectory();
    Map<Component, Path> brokers = startBrokers();
    int emulatorPort = freePort();
    List<String> emulatorArgs = new ArrayList<>(List.of("run", "emulator", "--port", Integer.toString(emulatorPort)));
    if (options.keepCloudState()) {
      // The cloud outlives the stack, as the real one would: accounts, keys and secrets of earlier runs stay.
      emulatorArgs.addAll(List.of("--state-file", dir.resolve("emulator-state.json").toString()));
    }
    // TLS too: credentials-java's RRSA/OIDC provider calls STS over HTTPS only (see RrsaIdentities).
    int emulatorHttpsPort = freePort();
    emulatorArgs.addAll(List.of("--https", "--https-port", Integer.toString(emulatorHttpsPort), "--https-trust-store",
        dir.resolve("emulator-truststore.p12").toString()));
    emulatorHttpsEndpoint = "https://127.0.0.1:" + emulatorHttpsPort;
    Component emulator = spawn("emulator", "emulator", emulatorArgs, Map.of("LEAKGUARD_EMULATOR_ADMIN_TOKEN",
        adminToken), null);
    emulatorEndpoint = "http://127.0.0.1:" + emulatorPort;
    Path mailReady = dir.resolve("mail-server.ready");
    Path mailUsers = dir.resolve(LocalMail.USERS_FILE);
    LocalMail.writeUsers(mailUsers, mailboxes);
    Component mailServer = spawn("mail-server", "mail-server", List.of("run", "mail-server", "--users-file",
        mailUsers.toString(), "--ready-file", mailReady.toString()), Map.of(), null);

    List<String> ready = new ArrayList<>();
    for (Map.Entry<Component, Path> broker : brokers.entrySet()) {
      ready.add(awaitFile(broker.getKey(), broker.getValue()));
    }
    bootstrapServers = String.join(",", ready);
    awaitHttp(emulator, emulatorEndpoint + "/admin/state", adminToken);
    com.fasterxml.jackson.databind.JsonNode mailPorts = new ObjectMapper().readTree(awaitFile(mailServer, mailReady));
    smtpPort = mailPorts.path("smtpPort").asInt();
    imapPort = mailPorts.path("imapPort").asInt();
    routingFile = LocalMail.writeRouting(dir, smtpPort, notifierEnv.containsKey("LEAKGUARD_NOTIFY_WEBHOOK_URL"));
    seed(fleet.toFleetJson());
    if (options.extraFleet() != null) {
      seed(options.extraFleet().apply(fleet.accountId()));
    }

    for (String service : SERVICES) {
      // One bridge whatever --instances says: its Security Center poller writes in a transaction with a fixed ID, so
      // a second bridge would only fence the first (and cost a JVM on a small machine). One console: it serves the
      // stores of its own instance only.
      int instances = service.equals("bridge") || service.equals("console") ? 1 : options.instances();
      for (int i = 0; i < instances; i++) {
        startInstance(service);
      }
    }
    for (Component component : components) {
      if (component.healthUrl() != null) {
        awaitHttp(component, component.healthUrl(), null);
      }
    }
    writeConnectionDetails();
  }

  /**
   * Starts the Kafka node processes, without waiting for them: one single-node broker, or the nodes of a new cluster
   * described by {@code <dir>/kafka-cluster.json}, each on {@code <dir>/kafka/broker-N}. Returns each with its ready
   * file.
   */
  private Map<Component, Path> startBrokers() throws IOException {
    Map<Component, Path> started = new LinkedHashMap<>();
    if (options.brokers() == 1) {
      Path ready = dir.resolve("broker.ready");
      started.put(spawn("broker", "broker", List.of("run", "broker", "--data-dir", dir.resolve("kafka").toString(),
          "--ready-file", ready.toString()), Map.of(), null), ready);
      return started;
    }
    io.leakguard.broker.EmbeddedKafkaBroker.Cluster cluster =
        io.leakguard.broker.EmbeddedKafkaBroker.Cluster.create(options.brokers());
    Path clusterFile = dir.resolve("kafka-cluster.json");
    Files.writeString(clusterFile, cluster.toJson());
    for (var node : cluster.nodes()) {
      String name = "broker-" + (node.nodeId() + 1);
      Path ready = dir.resolve(name + ".ready");
      started.put(spawn(name, "broker", List.of("run", "broker", "--data-dir", dir.resolve("kafka").resolve(name)
          .toString(), "--cluster-file", clusterFile.toString(), "--node-id", Integer.toString(node.nodeId()),
          "--ready-file", ready.toString()), Map.of(), null), ready);
    }
    return started;
  }

  /**
   * Starts one more instance of {@code service} (its own process, state directory and health port) and returns it
   * without waiting for it to be ready. Instances are numbered when the stack runs more than one of each service or
   * when one is added: {@code remediator-3}.
   */
  synchronized Component addInstance(String service) throws Exception {
    if (!SERVICES.contains(service)) {
      throw new IllegalArgumentException("no service " + service + "; one of " + SERVICES);
    }
    Component added = startInstance(service);
    writeConnectionDetails();
    return added;
  }

  /** Stops one instance the way a scale-in does: SIGTERM, so it leaves its group cleanly, and waits for it. */
  synchronized void removeInstance(String name) throws Exception {
    Component gone = component(name);
    gone.process().destroy();
    if (!gone.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      gone.process().destroyForcibly().waitFor();
    }
    components.remove(gone);
    writeConnectionDetails();
  }

  private Component startInstance(String service) throws Exception {
    int number = lastInstance.merge(service, 1, Integer::sum);
    String name = options.instances() == 1 && number == 1 ? service : service + "-" + number;
    int port = freePort();
    Map<String, String> env = new HashMap<>(options.serviceEnv());
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
    env.put("LEAKGUARD_HEALTH_PORT", Integer.toString(port));
    env.put("LEAKGUARD_HEALTH_BIND", "127.0.0.1");
    env.put("LEAKGUARD_STATE_DIR", dir.resolve("state").resolve(name).toString());
    env.put("LEAKGUARD_TOPICS_PARTITIONS", "3");
    // Text logs for people (and for the tests that read them), whatever the caller's shell has, unless asked.
    env.putIfAbsent("LEAKGUARD_LOG_FORMAT", "text");
    if (options.instances() > 1) {
      // A dead instance's tasks move to an instance that already holds a warm copy of their state.
      env.put("KAFKA_NUM_STANDBY_REPLICAS", "1");
    }
    if (service.equals("console")) {
      // The console needs no cloud: its API on a port of its own, behind the generated token, for the local user.
      int consolePort = freePort();
      env.put("LEAKGUARD_CONSOLE_PORT", Integer.toString(consolePort));
      env.put("LEAKGUARD_CONSOLE_BIND", "127.0.0.1");
      env.put(io.leakguard.console.ConsoleTokens.ENV, System.getProperty("user.name", "local") + " " + consoleToken);
      if (consoleUrl == null) {
        consoleUrl = "http://127.0.0.1:" + consolePort + "/";
      }
      return spawn(name, service, List.of("run", service), env, "http://127.0.0.1:" + port + "/health/ready");
    }
    if (!service.equals("notifier")) {
      // The detector calls STS with each leaked pair (its liveness probe) and needs no identity of its own. One
      // endpoint for every product, Security Center (the bridge) included.
      env.put("LEAKGUARD_CLOUD_ENDPOINT", emulatorEndpoint);
    }
    if (service.equals("bridge")) {
      // Security Center on, polled often; the caller's environment (serviceEnv) may still say otherwise.
      env.putIfAbsent(io.leakguard.config.ConfigLoader.envName(SecurityCenterBridge.ENABLED.key()), "true");
      env.putIfAbsent(io.leakguard.config.ConfigLoader.envName(SecurityCenterBridge.POLL_INTERVAL.key()),
          SAS_POLL_INTERVAL);
    }
    env.putAll(cloudIdentityEnv(service));
    List<String> args = new ArrayList<>(List.of("run", service));
    if (service.equals("notifier")) {
      env.putAll(notifierEnv);
      // The routing file names the webhook's URL and signing secret by variables of its own.
      String webhook = env.remove("LEAKGUARD_NOTIFY_WEBHOOK_URL");
      String secret = env.remove(io.leakguard.notifier.NotifierApp.WEBHOOK_SECRET_ENV);
      if (webhook != null) {
        env.put(LocalMail.WEBHOOK_URL_ENV, webhook);
        env.put(LocalMail.WEBHOOK_SECRET_ENV, secret != null ? secret : webhookSecret);
      }
      args.add(LocalMail.ROUTING_FLAG + routingFile);
    }
    return spawn(name, service, args, env, "http://127.0.0.1:" + port + "/health/ready");
  }

  private void prepareDirectory() throws IOException {
    // A fresh broker and fresh state every run: the demo fleet is generated anew, so old records would only confuse.
    for (String sub : List.of("kafka", "state", "logs")) {
      deleteRecursively(dir.resolve(sub));
    }
    try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
      for (Path file : files.filter(f -> f.getFileName().toString()
          .matches("broker(-\\d+)?\\.ready|kafka-cluster\\.json|mail-server\\.ready"))
          .toList()) {
        Files.delete(file);
      }
    }
    Files.createDirectories(dir);
    // The directory holds the emulator's admin token (local.json), the demo identities' logs and Kafka's data: only
    // its owner may enter it.
    restrict(dir, "rwx------");
    Files.createDirectories(dir.resolve("logs"));
    // The console's token, owner-only (0600) before it is written; local.json names the file, not the token.
    Path token = dir.resolve(CONSOLE_TOKEN_FILE);
    Files.deleteIfExists(token);
    Files.createFile(token);
    restrict(token, "rw-------");
    Files.writeString(token, consoleToken + "\n");
  }

  /** Sets POSIX permissions where the file system has them (elsewhere the user's defaults stay). */
  static void restrict(Path path, String permissions) throws IOException {
    if (Files.getFileStore(path).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
      Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString(permissions));
    }
  }

  /** How each component was started, so that it can be started again the same way. */
  private record Spawn(List<String> args, Map<String, String> env, String healthUrl) {}

  private final Map<String, Spawn> spawns = new HashMap<>();

  /**
   * Kills a component with SIGKILL (no shutdown hook, no clean leave from its group) and starts it again with the same
   * command, environment and state directory, as a crashed process restarted by a supervisor. Returns the new one
   * without waiting for it to be ready.
   */
  synchronized Component killAndRestart(String name) throws Exception {
    Component old = component(name);
    old.process().destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    components.remove(old);
    Spawn spec = spawns.get(name);
    Component fresh = spawn(name, old.role(), spec.args(), spec.env(), spec.healthUrl());
    writeConnectionDetails();
    return fresh;
  }

  /** The running component of that name. */
  synchronized Component component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("no component " + name + "; running: "
            + components.stream().map(Component::name).toList()));
  }

  private Component spawn(String name, String role, List<String> args, Map<String, String> env, String healthUrl)
      throws IOException {
    spawns.put(name, new Spawn(List.copyOf(args), Map.copyOf(env), healthUrl));
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add(SERVICE_JVM_MEMORY);
    command.add("-XX:+UseSerialGC");
    command.add(LOCAL_JIT);
    command.add("-cp");
    // A service gets the class path of a service image (no broker, no emulator); the broker and emulator get it all.
    String classPath = System.getProperty("java.class.path");
    command.add(SERVICES.contains(role) ? io.leakguard.cli.ServiceClassPath.of(classPath) : classPath);
    command.add(io.leakguard.cli.Main.class.getName());
    command.addAll(args);
    Path log = dir.resolve("logs").resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(key -> key.startsWith("ALIBABA_CLOUD_") || key.startsWith("LEAKGUARD_")
        || key.startsWith("KAFKA_"));
    environment.put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    environment.put("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true");
    environment.putAll(env);
    Component component = new Component(name, role, builder.start(), log, healthUrl);
    components.add(component);
    return component;
  }

  /**
   * The production path for a service's own cloud identity, RRSA: the default credential chain reads the variables
   * ACK injects (role, OIDC provider, token file). Each service that calls the cloud has its own role with its own
   * least privilege; the others get nothing. The first call registers the run's OIDC issuer and the roles with the
   * emulator and starts signing the token files.
   */
  Map<String, String> cloudIdentityEnv(String service) throws Exception {
    if (rrsa == null) {
      RrsaIdentities identities = new RrsaIdentities(fleet.accountId(), dir, dir.resolve("emulator-truststore.p12"),
          emulatorHttpsEndpoint);
      seed(identities.fleetJson());
      identities.start();
      rrsa = identities;
    }
    return rrsa.env(service);
  }

  private void seed(String fleetJson) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(emulatorEndpoint + "/admin/fleet"))
        .header("Authorization", "Bearer " + adminToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(fleetJson)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException("the emulator refused the fleet: HTTP " + response.statusCode() + " "
          + response.body());
    }
  }

  private String awaitFile(Component component, Path file) throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!Files.exists(file)) {
      checkAlive(component, deadline);
      Thread.sleep(50); // polling a file another process writes: there is no event to wait on
    }
    return Files.readString(file).trim();
  }

  private void awaitHttp(Component component, String url, String token) throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (true) {
      checkAlive(component, deadline);
      try {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2));
        if (token != null) {
          request.header("Authorization", "Bearer " + token);
        }
        if (http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100); // polling another process's readiness endpoint
    }
  }

  private void checkAlive(Component component, Instant deadline) throws IOException {
    if (!component.process().isAlive()) {
      throw new IllegalStateException(component.name() + " exited with code " + component.process().exitValue()
          + " during start-up; its log ends with:\n" + tail(component.log()));
    }
    if (Instant.now().isAfter(deadline)) {
      throw new IllegalStateException(component.name() + " was not ready within " + START_TIMEOUT.toSeconds()
          + " s; its log ends with:\n" + tail(component.log()));
    }
  }

  static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  private void writeConnectionDetails() throws IOException {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bootstrapServers", bootstrapServers);
    details.put("brokers", options.brokers());
    details.put("instancesPerService", options.instances());
    details.put("emulator", Map.of("endpoint", emulatorEndpoint, "adminApi", emulatorEndpoint + "/admin/",
        "adminToken", adminToken));
    details.put("demoAccountId", fleet.accountId());
    if (consoleUrl != null) {
      details.put("console", Map.of("url", consoleUrl, "tokenFile", dir.resolve(CONSOLE_TOKEN_FILE).toString()));
    }
    // The mailboxes' passwords, generated per run: one more reason the file is owner-only.
    details.put("mail", LocalMail.details(smtpPort, imapPort, mailboxes, routingFile));
    Map<String, String> topicNames = new LinkedHashMap<>();
    for (Topic<?, ?> topic : topics.all(SERVICES)) {
      topicNames.put(topic.name().substring(topics.prefix().length()), topic.name());
    }
    details.put("topics", topicNames);
    Map<String, Object> processes = new LinkedHashMap<>();
    for (Component component : components) {
      Map<String, Object> process = new LinkedHashMap<>();
      process.put("pid", component.process().pid());
      process.put("role", component.role());
      process.put("log", component.log().toString());
      if (component.healthUrl() != null) {
        process.put("health", component.healthUrl());
      }
      processes.put(component.name(), process);
    }
    details.put("processes", processes);
    // It holds the emulator's admin token: written owner-only (0600) before any byte goes in, then moved into place.
    Path file = dir.resolve("local.json");
    Path partial = dir.resolve("local.json.tmp");
    Files.deleteIfExists(partial);
    Files.createFile(partial);
    restrict(partial, "rw-------");
    Files.writeString(partial, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(details));
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** The console's page, e.g. {@code http://127.0.0.1:41234/}. */
  String consoleUrl() {
    return consoleUrl;
  }

  String emulatorEndpoint() {
    return emulatorEndpoint;
  }

  String adminToken() {
    return adminToken;
  }

  /** A reader of the local mail server's mailboxes. */
  LocalMailbox mailbox() {
    return new LocalMailbox(LocalMail.HOST, imapPort);
  }

  /** The mailbox of an address (a demo user's or the security team's). */
  LocalMail.Mailbox mailboxOf(String address) {
    return mailboxes.stream().filter(m -> m.address().equals(address)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("no local mailbox " + address));
  }

  DemoFleet fleet() {
    return fleet;
  }

  TopicCatalog topics() {
    return topics;
  }

  Path dir() {
    return dir;
  }

  List<Component> components() {
    return List.copyOf(components);
  }

  /** Stops the services first, then the emulator and the broker: the reverse of the start order. */
  @Override
  public void close() {
    List<Component> reversed = new ArrayList<>(components);
    java.util.Collections.reverse(reversed);
    for (Component component : reversed) {
      component.process().destroy();
      try {
        if (!component.process().waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          component.process().destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        component.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    components.clear();
    if (rrsa != null) {
      rrsa.close();
    }
  }

  static int runUntilInterrupted(Options options) throws Exception {
    LocalStack stack = start(options, Map.of());
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      System.out.println("stopping the local stack...");
      stack.close();
      stopped.countDown();
    }, "local-stack-shutdown"));
    System.out.println("LeakGuard local stack is up. Connection details: " + stack.dir().resolve("local.json"));
    System.out.println("  Kafka:     " + stack.bootstrapServers() + (options.brokers() > 1 ? " (" + options.brokers()
        + " nodes, replication factor 3, min.insync.replicas=2)" : ""));
    if (options.instances() > 1) {
      System.out.println("  Services:  " + options.instances() + " instances each, one standby replica of every "
          + "state store");
    }
    System.out.println("  Emulator:  " + stack.emulatorEndpoint() + " (admin token in local.json); the bridge reads "
        + "its Security Center every " + SAS_POLL_INTERVAL + ": POST /admin/keys/{id}/exposed leaks a key there");
    System.out.println("  Mail:      SMTP " + LocalMail.HOST + ":" + stack.smtpPort + ", IMAP " + LocalMail.HOST + ":"
        + stack.imapPort + " (mailboxes and their per-run passwords in local.json)");
    System.out.println("  Console:   " + stack.consoleUrl() + " (token in " + stack.dir().resolve(CONSOLE_TOKEN_FILE)
        + ")");
    System.out.println("  Logs:      " + stack.dir().resolve("logs"));
    System.out.println("Press Ctrl-C to stop.");
    // Watch the children: one dying on its own is reported, the rest keep running.
    while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
      for (Component component : stack.components()) {
        if (!component.process().isAlive() && !stopping.get()) {
          System.err.println(component.name() + " stopped with exit code " + component.process().exitValue()
              + "; see " + component.log());
          stack.components.remove(component);
        }
      }
    }
    return 0;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
