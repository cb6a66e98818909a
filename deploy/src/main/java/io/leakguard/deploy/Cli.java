package io.leakguard.deploy;

import io.leakguard.detector.DetectorApp;
import io.leakguard.detector.enrich.EnricherApp;
import io.leakguard.detector.scan.ScanCommand;
import io.leakguard.emulator.EmulatorMain;
import io.leakguard.notifier.NotifierApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.ServiceMain;
import java.util.Arrays;

/**
 * The {@code leakguard} command line.
 *
 * <pre>
 * leakguard run SERVICE [options]   one component: detector, enricher, remediator, notifier, emulator, broker
 * leakguard local                   the whole stack on this machine, until interrupted
 * leakguard demo                    the stack, one leaked key, its remediation, checked end to end
 * leakguard approve|reject INCIDENT a decision on a remediation waiting for approval
 * leakguard restore INCIDENT        re-attach the policies a purge detached from a role
 * leakguard retry INCIDENT          try a FAILED remediation again now
 * leakguard scan PATH...            scan files, directories or stdin for leaked keys (exit 0 none, 1 found, 2 error)
 * </pre>
 */
public final class Cli {

  private Cli() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }

  static int run(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(usage());
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "run" -> runComponent(rest);
      case "local" -> LocalStack.runUntilInterrupted(LocalStack.Options.parse(rest, true));
      case "demo" -> Demo.run(LocalStack.Options.parse(rest));
      case "approve" -> Approvals.run(io.leakguard.schemas.Decision.APPROVE, rest);
      case "reject" -> Approvals.run(io.leakguard.schemas.Decision.REJECT, rest);
      case "restore" -> Restore.run(rest);
      case "retry" -> RetryCommand.run(rest);
      case "scan" -> ScanCommand.run(rest);
      case "report" -> ReportCommand.run(rest, System.getenv(), java.nio.file.Path.of(".leakguard", "local.json"));
      default -> {
        System.err.println("leakguard: unknown command '" + args[0] + "'\n\n" + usage());
        yield 2;
      }
    };
  }

  private static int runComponent(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("leakguard run: which component? detector, enricher, remediator, notifier, emulator or broker");
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "detector" -> ServiceMain.run(new DetectorApp(), rest);
      case "enricher" -> ServiceMain.run(new EnricherApp(), rest);
      case "remediator" -> ServiceMain.run(new RemediatorApp(), rest);
      case "notifier" -> ServiceMain.run(new NotifierApp(), rest);
      case "emulator" -> EmulatorMain.main(rest);
      case "broker" -> {
        return BrokerMain.run(rest);
      }
      default -> {
        System.err.println("leakguard run: unknown component '" + args[0]
            + "'; one of detector, enricher, remediator, notifier, emulator, broker");
        return 2;
      }
    }
    return 0;
  }

  static String usage() {
    return """
        usage: leakguard COMMAND [options]

          demo                 start the local stack, leak one demo key, show its remediation, check it, stop
          local                start the local stack (broker, emulator, services) until Ctrl-C;
                               connection details go to .leakguard/local.json
          run SERVICE [opts]   run one component: detector | enricher | remediator | notifier | emulator | broker
                               (leakguard run detector --help lists a service's options)
          report --access-key-id ID [--reason TEXT]
                               report a leaked key by its ID (never the secret) to the pipeline
          scan [--publish] PATH...
                               scan files, directories (recursively) or - (stdin) for leaked keys; one JSON line
                               per finding, never the secret; exit 0 none, 1 found, 2 usage or I/O error;
                               --publish sends files with findings to the pipeline (leakguard scan --help)
          approve INCIDENT     approve a remediation waiting for approval [--by NAME] [--comment TEXT]
          reject INCIDENT      reject it (same options); both take --bootstrap-servers HOST:PORT, else
                               KAFKA_BOOTSTRAP_SERVERS, else the local stack's .leakguard/local.json
          restore INCIDENT     re-attach the policies a purge detached from a role, once the role's maximum
                               session has passed since the leak [--force] [--cloud.endpoint=URL] [--cloud.fleet=...]
          retry INCIDENT       try a FAILED remediation again now [--by NAME]
          help                 this text

        Options of demo and local: --dir DIR (default .leakguard), --keep-logs
        """;
  }
}
