package io.leakguard.deploy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.detector.DetectorApp;
import io.leakguard.emulator.Faults;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.StreamsService;
import io.leakguard.runtime.TopicProvisioner;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import io.leakguard.testkit.SyntheticKeys;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Throughput of the detector and of the remediator with 1, 2 and 3 instances, in one run, on one broker and one
 * emulator; printed, never asserted. Each round has topics of its own ({@code scale-d<N>.}, {@code scale-r<N>.}) and
 * application ids of its own ({@code --kafka.application.id}: a service's id is a fixed literal, so the override is
 * what keeps the rounds' consumer groups apart), so no round sees another's records or offsets. Every instance is a
 * {@link StreamsService} with its own {@code --state.dir} and {@code --instance.id}, one stream thread, configured as
 * in production (exactly-once, 25 ms commit interval).
 * <ol>
 *   <li>detector: RECORDS log-like raw-content records of about 1 KB (one in 20 holds a synthetic key pair) are written
 *       to a 6-partition topic first; then N detectors start together, and the time until the group's committed
 *       offsets reach the end gives records/s and MB/s. The start-up (until every instance is RUNNING and the group
 *       has N members) is reported apart: the figures are the records committed after it, over the time after it.
 *       The liveness probe stays on, as in production (each pair found costs one STS GetCallerIdentity off the
 *       stream thread; the emulator adds no latency in this part);</li>
 *   <li>remediator: LEAKS enriched leaks of RAM users spread over 10 member accounts (one key each, assumed roles) are
 *       written straight to {@code leaks.enriched}, as {@code LeastPrivilegeIT} does, so the remediator is measured
 *       alone; the emulator adds 50 ms to every call; N remediators start together, and the time until LEAKS
 *       outcomes are read (read_committed) gives incidents/s, start-up reported apart as above. The calls per
 *       incident are counted in the emulator's audit trail, and two ceilings are printed next to the figure: the
 *       client-side rate limiter's ({@code cloud.rate.per.second}, 20 per account and API <em>per instance</em>: 10
 *       accounts x 20/s / calls per incident of the busiest API, x N), and the workers'
 *       ({@code remediation.workers} 32, {@code remediation.workers.per.account} 8 per instance, over the incident's
 *       p50 duration).</li>
 * </ol>
 * Each round prints the CPU time this JVM used over the measured window, as a share of all the machine's cores
 * ("CPU 190% of 200%"), and in brackets the machine's over the same window ({@code /proc/stat}, every process), which
 * shows other work on the machine competing for the same cores.
 *
 * <p>In-process instances share this JVM's CPUs, and with them the broker and the emulator, which run in the same
 * JVM. That is the honest picture of one machine: on 2 cores a second or third instance adds stream threads and
 * workers, not cores, so once the CPU column nears 200% more instances cannot process more; they still spread
 * waiting on the network (the remediator's 50 ms calls) and the per-instance rate limiter.
 *
 * <p>Run from the repository root without installing anything: build the reactor, write deploy's test class path
 * (siblings resolve to their {@code target/classes} in the reactor), then run a plain JVM:
 *
 * <pre>
 * mvn -B -o -q -pl deploy -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp deploy/target/test-classes:deploy/target/classes:$(cat deploy/target/cp.txt) \
 *     io.leakguard.deploy.bench.ScalingBenchmark [RECORDS=20000 [LEAKS=600 [MAX_INSTANCES=3]]]
 * </pre>
 */
public final class ScalingBenchmark {

  private static final int PARTITIONS = 6;
  private static final int ACCOUNTS = 10;
  private static final long LATENCY_MS = 50;
  /** The production defaults the remediator runs with here, printed with its figures (RemediatorApp, CloudOptions). */
  private static final int RATE_PER_SECOND = 20;
  private static final int WORKERS = 32;
  private static final int WORKERS_PER_ACCOUNT = 8;
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScalingBenchmark() {}

  /** One measured part of a round: everything after start-up. */
  record Figures(double startSeconds, double seconds, long done, long doneInStartUp, double cpu, double machine) {
    double perSecond() {
      return seconds > 0 ? done / seconds : Double.NaN;
    }
  }

  record Row(int instances, Figures detector, double megabytes, Figures remediator) {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int leaks = args.length > 1 ? Integer.parseInt(args[1]) : 600;
    int maxInstances = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    List<Row> rows = new ArrayList<>();
    try (BenchStack stack = new BenchStack(256)) {
      stack.seed(Map.of());
      System.out.printf("scaling benchmark: %d CPUs, %d raw-content records, %d leaks over %d member accounts, "
          + "%d partitions, broker and emulator in this JVM%n", CORES, records, leaks, ACCOUNTS, PARTITIONS);
      for (int n = 1; n <= maxInstances; n++) {
        long[] bytes = new long[1];
        Figures detector = detector(stack, n, records, bytes);
        Figures remediator = remediator(stack, n, leaks);
        rows.add(new Row(n, detector, bytes[0] / 1e6 * detector.done() / records, remediator));
      }
    }
    System.out.printf("%ninstances | detector rec/s | detector MB/s | CPU (machine) | remediator inc/s | CPU (machine)%n");
    for (Row r : rows) {
      System.out.printf("%9d | %14.0f | %13.1f | %s | %16.1f | %s%n", r.instances(), r.detector().perSecond(),
          r.megabytes() / r.detector().seconds(), cpu(r.detector()), r.remediator().perSecond(), cpu(r.remediator()));
    }
    System.out.printf("(CPU: this JVM, broker and emulator included, as a share of %d%%; machine: every process)%n",
        CORES * 100);
    System.exit(0);
  }

  private static String cpu(Figures f) {
    return String.format("%4.0f%% of %d%% (%3.0f%%)", f.cpu() * 100 * CORES, CORES * 100, f.machine() * 100 * CORES);
  }

  // ---------------------------------------------------------------------------------------------------- detector

  private static Figures detector(BenchStack stack, int n, int records, long[] bytes) throws Exception {
    stack.emulator.faults().configure(new Faults.Config(1L, List.of(), null));
    TopicCatalog topics = new TopicCatalog("scale-d" + n + ".");
    String app = "scale-d" + n + "-detector";
    Topic<String, RawContent> raw = topics.rawContent();
    // Topics first, so that the records written before the detectors start have somewhere to go.
    TopicProvisioner.ensure(Map.of("bootstrap.servers", stack.broker.bootstrapServers()),
        topics.all(List.of("detector")), PARTITIONS, 1);
    awaitWritable(stack, raw.name());
    bytes[0] = writeLogs(stack, raw, records, n);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.broker.bootstrapServers()))) {
      Map<TopicPartition, Long> ends = endOffsets(admin, raw.name());
      long written = ends.values().stream().mapToLong(Long::longValue).sum();
      if (written != records) {
        throw new IllegalStateException(records + " records sent, " + written + " on the topic");
      }
      Meter meter = new Meter();
      List<StreamsService> instances = launch(stack, DetectorApp::new, n, topics, app);
      awaitGroup(admin, app, instances, n);
      meter.startUpDone(committed(admin, app, ends));
      long done;
      while ((done = committed(admin, app, ends)) < records) {
        Thread.sleep(20); // polling another component's committed offsets
      }
      Figures f = meter.figures(done);
      System.out.printf("detector x%d: %d records (%.1f MB, 1 in 20 with a key pair, liveness probe on): start-up "
              + "%.2f s (%d records committed in it), then %d records in %.2f s: %.0f records/s, %.1f MB/s, "
              + "CPU %s%n", n, records, bytes[0] / 1e6, f.startSeconds(), f.doneInStartUp(), f.done(), f.seconds(),
          f.perSecond(), bytes[0] / 1e6 * f.done() / records / f.seconds(), cpu(f));
      close(instances, stack);
      return f;
    }
  }

  /** Log-like records of about 1 KB; one in 20 also holds an ID/secret pair as a shell export. */
  private static long writeLogs(BenchStack stack, Topic<String, RawContent> raw, int records, int seed) {
    Random random = new Random(seed);
    long bytes = 0;
    try (KafkaProducer<String, RawContent> producer = new KafkaProducer<>(stack.clientProps(),
        raw.keySerde().serializer(), raw.valueSerde().serializer())) {
      List<Future<?>> sent = new ArrayList<>(records);
      for (int i = 0; i < records; i++) {
        StringBuilder log = new StringBuilder(1200);
        while (log.length() < 1000) {
          log.append("2026-11-22T10:").append(random.nextInt(60)).append(" INFO  [worker-").append(random.nextInt(9))
              .append("] request ").append(Long.toHexString(random.nextLong())).append(" served in ")
              .append(random.nextInt(900)).append(" ms\n");
        }
        if (i % 20 == 0) {
          log.append("export ALIBABA_CLOUD_ACCESS_KEY_ID=").append(SyntheticKeys.accessKeyId())
              .append("\nexport ALIBABA_CLOUD_ACCESS_KEY_SECRET=").append(SyntheticKeys.secret()).append('\n');
        }
        bytes += log.length();
        sent.add(producer.send(new ProducerRecord<>(raw.name(), "log-" + i, new RawContent("bench", "log/" + i,
            log.toString(), null))));
      }
      for (Future<?> f : sent) {
        f.get(); // a record lost here would leave the detector's group short of the end for ever
      }
    } catch (Exception e) {
      throw new IllegalStateException("writing the raw-content records failed", e);
    }
    return bytes;
  }

  /**
   * Waits until the leader serves every partition of a topic just created. On a busy machine the producer's metadata
   * names a leader before the broker has loaded the partition: the first sends meet NotLeaderOrFollower, and the
   * idempotent producer's retries were seen to end in OutOfOrderSequence for good (trial run, Kafka 4.3.1), the
   * batches expiring after two minutes. ListOffsets is answered by the leader only once it holds the partition.
   */
  private static void awaitWritable(BenchStack stack, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.broker.bootstrapServers()))) {
      endOffsets(admin, topic); // the admin client retries NotLeaderOrFollower itself, up to its API timeout
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
    for (int p = 0; p < PARTITIONS; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return admin.listOffsets(latest).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Records of the topic the group has committed (capped at each partition's end). */
  private static long committed(Admin admin, String group, Map<TopicPartition, Long> ends) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get();
    long sum = 0;
    for (var end : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(end.getKey());
      sum += c == null ? 0 : Math.min(c.offset(), end.getValue());
    }
    return sum;
  }

  // -------------------------------------------------------------------------------------------------- remediator

  private static Figures remediator(BenchStack stack, int n, int leaks) throws Exception {
    TopicCatalog topics = new TopicCatalog("scale-r" + n + ".");
    String app = "scale-r" + n + "-remediator";
    List<String> members = new ArrayList<>();
    List<String[]> victims = StormBenchmark.seedFleet(stack, leaks, ACCOUNTS, members);
    Set<String> accounts = members.stream().map(m -> m.substring(0, m.indexOf('='))).collect(Collectors.toSet());
    TopicProvisioner.ensure(Map.of("bootstrap.servers", stack.broker.bootstrapServers()),
        topics.all(List.of("remediator")), PARTITIONS, 1);
    Topic<String, LeakEnriched> enriched = topics.leaksEnriched();
    awaitWritable(stack, enriched.name());
    try (KafkaProducer<String, LeakEnriched> producer = new KafkaProducer<>(stack.clientProps(),
        enriched.keySerde().serializer(), enriched.valueSerde().serializer())) {
      List<Future<?>> sent = new ArrayList<>();
      Instant now = Instant.now();
      for (int i = 0; i < victims.size(); i++) {
        String[] v = victims.get(i); // account, user, key ID, secret
        sent.add(producer.send(new ProducerRecord<>(enriched.name(), v[2], LeakEnriched.newBuilder()
            .setIncidentId(app + "-" + i).setAccessKeyId(v[2]).setKind(CredentialKind.RAM_USER_KEY)
            .setMaskedKey(KeyForms.mask(v[2])).setSecretFingerprint(KeyForms.fingerprint(v[3]))
            .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("bench:file").build())
            .setOwner(Owner.newBuilder().setAccountId(v[0]).setUserName(v[1]).build()).setOwnerKind(OwnerKind.RAM_USER)
            .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).setEnrichedAt(now).build())
            .build())));
      }
      for (Future<?> f : sent) {
        f.get();
      }
    }
    stack.emulator.faults().configure(new Faults.Config(1L, List.of(
        new Faults.Rule("*", null, null, null, LATENCY_MS, null)), null));
    Map<String, RemediationOutcome> outcomes = new ConcurrentHashMap<>();
    AtomicBoolean reading = new AtomicBoolean(true);
    Thread reader = new Thread(() -> {
      try (KafkaConsumer<String, RemediationOutcome> consumer = stack.broker.committedReader(
          topics.remediationOutcomes())) {
        while (reading.get()) {
          consumer.poll(Duration.ofMillis(50)).forEach(r -> {
            if (r.value().getStatus() != RemediationStatus.AWAITING_APPROVAL) {
              outcomes.putIfAbsent(r.value().getIncidentId(), r.value());
            }
          });
        }
      }
    }, "scale-outcomes");
    reader.start();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.broker.bootstrapServers()))) {
      Meter meter = new Meter();
      List<StreamsService> instances = launch(stack, RemediatorApp::new, n, topics, app,
          "--cloud.fleet=" + String.join(",", members));
      awaitGroup(admin, app, instances, n);
      meter.startUpDone(outcomes.size());
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (outcomes.size() < leaks && System.nanoTime() < deadline) {
        Thread.sleep(20); // polling the reader's count
      }
      Figures f = meter.figures(outcomes.size());
      reading.set(false);
      reader.join();
      stack.emulator.faults().configure(new Faults.Config(1L, List.of(), null));
      close(instances, stack);

      Map<RemediationStatus, Long> statuses = outcomes.values().stream()
          .collect(Collectors.groupingBy(RemediationOutcome::getStatus, TreeMap::new, Collectors.counting()));
      List<Long> durations = outcomes.values().stream().filter(o -> !o.getSteps().isEmpty()).map(o -> {
        List<RemediationStep> steps = o.getSteps();
        return steps.get(steps.size() - 1).getFinishedAt().toEpochMilli()
            - steps.get(0).getStartedAt().toEpochMilli();
      }).sorted().toList();
      long p50 = durations.isEmpty() ? -1 : BenchStack.percentile(durations, 50);
      Map<String, Double> perIncident = callsPerIncident(stack, accounts);
      double total = perIncident.values().stream().mapToDouble(Double::doubleValue).sum();
      var busiest = perIncident.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(Map.entry("?", 1.0));
      double limiterCeiling = n * ACCOUNTS * RATE_PER_SECOND / busiest.getValue();
      double workerCeiling = n * Math.min(WORKERS, ACCOUNTS * WORKERS_PER_ACCOUNT) * 1000.0 / Math.max(1, p50);
      System.out.printf("remediator x%d: %d leaks over %d accounts, emulator +%d ms per call, cloud.rate.per.second=%d"
              + " (per instance, account and API), remediation.workers=%d, remediation.workers.per.account=%d: "
              + "start-up %.2f s (%d outcomes in it), then %d outcomes in %.2f s: %.1f incidents/s, CPU %s%n",
          n, leaks, ACCOUNTS, LATENCY_MS, RATE_PER_SECOND, WORKERS, WORKERS_PER_ACCOUNT, f.startSeconds(),
          f.doneInStartUp(), f.done(), f.seconds(), f.perSecond(), cpu(f));
      System.out.printf("  outcomes %s; incident p50 %d ms from first step to last; %.1f calls per incident %s%n",
          statuses, p50, total, format(perIncident));
      System.out.printf("  ceilings: limiter %d x %d accounts x %d/s / %.1f %s per incident = %.0f incidents/s; "
              + "workers %d x %d / %d ms = %.0f incidents/s%n", n, ACCOUNTS, RATE_PER_SECOND, busiest.getValue(),
          busiest.getKey(), limiterCeiling, n, Math.min(WORKERS, ACCOUNTS * WORKERS_PER_ACCOUNT), p50, workerCeiling);
      return f;
    }
  }

  /**
   * The round's calls per incident by API, from the emulator's audit trail (the newest 10,000 events, the most its
   * admin API returns): the member accounts' calls per API over their DeleteAccessKey calls, one per incident, so a
   * trail cut short still gives the ratio.
   */
  private static Map<String, Double> callsPerIncident(BenchStack stack, Set<String> accounts) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(stack.emulator.endpoint() + "/admin/events?limit=10000"))
        .header("Authorization", "Bearer " + stack.emulator.adminToken()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    Map<String, Long> counts = new TreeMap<>();
    for (JsonNode event : JSON.readTree(response.body()).path("events")) {
      if (accounts.contains(event.path("userIdentity").path("accountId").asText())) {
        String api = event.path("serviceName").asText() + ":" + event.path("eventName").asText();
        counts.merge(api, 1L, Long::sum);
      }
    }
    long incidents = counts.entrySet().stream().filter(e -> e.getKey().endsWith(":DeleteAccessKey"))
        .mapToLong(Map.Entry::getValue).sum();
    Map<String, Double> perIncident = new TreeMap<>();
    counts.forEach((api, count) -> perIncident.put(api, count / (double) Math.max(1, incidents)));
    return perIncident;
  }

  private static String format(Map<String, Double> perIncident) {
    return perIncident.entrySet().stream().map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
        .collect(Collectors.joining(", ", "(", ")"));
  }

  // ------------------------------------------------------------------------------------------------------ shared

  /** Starts N instances of a service together, each with its own state directory and instance id. */
  private static List<StreamsService> launch(BenchStack stack, Supplier<ServiceDefinition> service, int n,
      TopicCatalog topics, String app, String... extra) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<StreamsService>> started = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        List<String> flags = new ArrayList<>(List.of("--topic.prefix=" + topics.prefix(),
            "--topics.partitions=" + PARTITIONS, "--kafka.application.id=" + app, "--instance.id=" + app + "-" + i,
            "--state.dir=" + stack.dir.resolve("state/" + app + "-" + i)));
        flags.addAll(List.of(extra));
        started.add(pool.submit(() -> stack.launch(service.get(), flags.toArray(String[]::new))));
      }
      List<StreamsService> instances = new ArrayList<>();
      for (Future<StreamsService> f : started) {
        instances.add(f.get());
      }
      return instances;
    } finally {
      pool.shutdown();
    }
  }

  /** Waits until every instance is RUNNING and the group has them all as members: the start-up is over. */
  private static void awaitGroup(Admin admin, String group, List<StreamsService> instances, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      if (instances.stream().allMatch(s -> s.state() == KafkaStreams.State.RUNNING)
          && admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size() == n) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(group + ": " + n + " instances did not all reach RUNNING");
      }
      Thread.sleep(20); // waiting for other components' state; a benchmark harness, not a test
    }
  }

  private static void close(List<StreamsService> instances, BenchStack stack) {
    instances.parallelStream().forEach(StreamsService::close);
    stack.services.removeAll(instances);
  }

  /** Wall time, this JVM's CPU time and the machine's, from the launch, split at the end of the start-up. */
  private static final class Meter {
    private final long launched = System.nanoTime();
    private long running;
    private long cpuAtRunning;
    private long[] machineAtRunning;
    private long doneInStartUp;

    void startUpDone(long done) {
      running = System.nanoTime();
      cpuAtRunning = OS.getProcessCpuTime();
      machineAtRunning = machineTicks();
      doneInStartUp = done;
    }

    Figures figures(long done) {
      long end = System.nanoTime();
      double cpu = (OS.getProcessCpuTime() - cpuAtRunning) / (double) (end - running) / CORES;
      long[] machine = machineTicks();
      double busy = machine == null || machineAtRunning == null ? Double.NaN
          : (machine[0] - machineAtRunning[0]) / (double) Math.max(1, machine[1] - machineAtRunning[1]);
      return new Figures((running - launched) / 1e9, (end - running) / 1e9, done - doneInStartUp, doneInStartUp,
          cpu, busy);
    }

    /**
     * Busy and total ticks of all CPUs from {@code /proc/stat} (Linux), or null: the machine's load over a window,
     * every process included, which shows work that is not this benchmark's.
     */
    private static long[] machineTicks() {
      try {
        String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim()
            .split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal; guest time is already in user
          total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
      } catch (java.io.IOException | RuntimeException e) {
        return null;
      }
    }
  }
}
