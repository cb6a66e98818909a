package io.leakguard.deploy.bench;

import io.leakguard.detector.DetectorApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.StreamsService;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What metrics cost: the detector, the enricher and the remediator in this JVM (with the broker and the emulator)
 * remediate a burst of leaks over 10 member accounts, with {@code metrics.enabled} true or false; every service's
 * {@code /metrics} is scraped every 5 s while metrics are on, as Prometheus would (more often than its usual 15 s).
 * Prints the process CPU time per 1,000 incidents, heap used after a full GC and the resident set size after the
 * burst; never asserts. Run each setting in a JVM of its own, so that the figures do not mix:
 *
 * <pre>
 * mvn -q -pl deploy test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp deploy/target/test-classes:deploy/target/classes:$(cat deploy/target/cp.txt) \
 *      io.leakguard.deploy.bench.MetricsCostBenchmark true|false [leaks=1000]
 * </pre>
 */
public final class MetricsCostBenchmark {

  private static final TopicCatalog TOPICS = new TopicCatalog("leakguard.");
  private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(5);

  private MetricsCostBenchmark() {}

  public static void main(String[] args) throws Exception {
    boolean metrics = args.length == 0 || Boolean.parseBoolean(args[0]);
    int leaks = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    try (BenchStack stack = new BenchStack(64)) {
      List<String> members = new ArrayList<>();
      List<String[]> victims = StormBenchmark.seedFleet(stack, leaks, 10, members);
      String fleet = "--cloud.fleet=" + String.join(",", members);
      String[] common = {"--topics.partitions=6", "--metrics.enabled=" + metrics, "--health.port=0",
          "--health.bind=127.0.0.1"};
      stack.start(new DetectorApp(), common);
      stack.start(new EnricherApp(), concat(common, fleet));
      stack.start(new RemediatorApp(), concat(common, fleet));
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      HttpClient http = HttpClient.newHttpClient();
      try (KafkaConsumer<String, RemediationOutcome> outcomes = stack.broker.committedReader(
              TOPICS.remediationOutcomes());
          KafkaProducer<String, RawContent> producer = new KafkaProducer<>(stack.clientProps(),
              TOPICS.rawContent().keySerde().serializer(), TOPICS.rawContent().valueSerde().serializer())) {
        outcomes.poll(Duration.ofMillis(500));
        long cpuBefore = os.getProcessCpuTime();
        long started = System.nanoTime();
        for (int i = 0; i < victims.size(); i++) {
          String[] v = victims.get(i);
          producer.send(new ProducerRecord<>(TOPICS.rawContent().name(), "leak-" + i, new RawContent("ci-" + (i % 20),
              "repo-" + i + "/.env", "AK=" + v[2] + "\nSK=" + v[3] + "\n", null)));
        }
        producer.flush();
        Set<String> done = new HashSet<>();
        long nextScrape = System.nanoTime();
        int scrapes = 0;
        long scrapeBytes = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (done.size() < victims.size() && System.nanoTime() < deadline) {
          outcomes.poll(Duration.ofMillis(100)).forEach(r -> {
            if (r.value().getStatus() != RemediationStatus.AWAITING_APPROVAL) {
              done.add(r.value().getAccessKeyId());
            }
          });
          if (metrics && System.nanoTime() >= nextScrape) {
            nextScrape += SCRAPE_INTERVAL.toNanos();
            for (StreamsService service : stack.services) {
              scrapeBytes += http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.healthPort()
                  + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body().length();
              scrapes++;
            }
          }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
        System.gc();
        Thread.sleep(500); // a benchmark harness: lets the collector finish before the heap is read
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("metrics.enabled=%s: %d of %d incidents in %.1f s; CPU %.1f s (%.1f s per 1,000 incidents, "
                + "%d CPUs); heap used after GC %d MB; RSS %d MB; %d scrapes, %d KB each on average%n", metrics,
            done.size(), victims.size(), seconds, cpu, cpu * 1000 / Math.max(1, done.size()),
            Runtime.getRuntime().availableProcessors(), heap >> 20, rssKb() >> 10, scrapes,
            scrapes == 0 ? 0 : scrapeBytes / scrapes / 1024);
      }
    }
    System.exit(0);
  }

  private static String[] concat(String[] a, String b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + 1);
    all[a.length] = b;
    return all;
  }

  /** VmRSS of this process, in KB (Linux). */
  private static long rssKb() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
