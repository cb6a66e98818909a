package io.leakguard.cli;

import io.leakguard.bridge.BridgeApp;
import io.leakguard.console.ConsoleApp;
import io.leakguard.detector.DetectorApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.notifier.NotifierApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code leakguard run SERVICE [options]}: runs one service in the foreground until it is stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run one service in the foreground until stopped (SIGTERM or Ctrl-C).",
    footer = {"", "Example:", "  leakguard run detector --kafka.bootstrap.servers=kafka:9092 --health.port=8081",
        "  leakguard run remediator --help"})
final class RunCommand implements Runnable {

  /** The services every distribution and image holds. */
  static final List<ServiceDefinition> SERVICES = List.of(new DetectorApp(), new EnricherApp(), new RemediatorApp(),
      new NotifierApp(), new BridgeApp(), new ConsoleApp());

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "which service? one of "
        + String.join(", ", spec.subcommands().keySet()));
  }

  private static int run(ServiceDefinition service, String[] flags) {
    // A configuration error is a usage error (one line, exit 2), thrown here before anything starts
    return ServiceMain.runUntilStopped(service, ServiceMain.loader(service).load(flags));
  }

  static void addServices(CommandLine run) {
    for (ServiceDefinition service : SERVICES) {
      run.addSubcommand(new CommandLine(ConfigCommand.create(service.name(), "Run the " + service.name()
              + " service. Every option can also be set in the environment or a --config file; flags win.",
          ServiceMain.loader(service).options(), true,
          flags -> run(service, ConfigCommand.withLocalKafka(flags).toArray(String[]::new)),
          "", "Any Kafka client or Streams property: --kafka.<property>=VALUE or KAFKA_<PROPERTY>.",
          "Exit codes: 0 stopped on request, 1 the service failed, 2 a configuration error.", "", "Example:",
          "  KAFKA_BOOTSTRAP_SERVERS=kafka:9092 leakguard run " + service.name() + " --health.port=8080")));
    }
  }
}
