package io.leakguard.console;

import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.schemas.TopicCatalog;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.streams.Topology;

/**
 * The console service, {@code leakguard run console}: the incident console's web page and API on
 * {@code console.port}, over {@link ConsoleTopology}'s stores, behind bearer tokens ({@link ConsoleTokens}); it
 * refuses to start without one. Its only write is a person's approval or rejection, to {@code <prefix>approvals}.
 */
public final class ConsoleApp implements ServiceDefinition {

  public static final String NAME = "console";

  public static final Option<Integer> PORT = Option.integer("console.port", 8088, 0, 65_535,
      "port of the console's web page and API; 0 picks a free port");
  public static final Option<String> BIND = Option.string("console.bind", "0.0.0.0",
      "address the console listens on (plain HTTP: put a TLS proxy in front of it beyond the local host)");
  public static final Option<String> TOKEN_FILE = Option.string("console.token.file", "",
      "file of the console's bearer tokens, one 'NAME TOKEN' (or 'TOKEN') a line (else " + ConsoleTokens.ENV
          + "); required");
  public static final Option<String> ORIGIN = Option.string("console.origin", "",
      "the page's origin when a proxy serves it under another host name, e.g. https://leakguard.example.com; "
          + "a POST from any other origin than this or the console's own Host is refused");

  public static void main(String[] args) {
    ServiceMain.run(new ConsoleApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-console";
  }

  @Override
  public List<Option<?>> options() {
    return List.of(PORT, BIND, TOKEN_FILE, ORIGIN);
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) throws Exception {
    // Read first: without a token nothing is opened.
    ConsoleTokens tokens = ConsoleTokens.load(settings.get(TOKEN_FILE), System.getenv());
    StoreData stores = resources.register(new StoreData());
    EventHub events = new EventHub();
    ApprovalDecisions decisions = resources.register(ApprovalDecisions.open(topics.approvals(), settings.kafka()));
    ConsoleServer server = resources.register(new ConsoleServer(settings.get(BIND), settings.get(PORT), tokens,
        new IncidentViews(stores), events, decisions, settings.get(ORIGIN), Clock.systemUTC()));
    server.start();
    return ConsoleTopology.build(topics, events);
  }
}
