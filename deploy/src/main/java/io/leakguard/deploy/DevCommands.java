package io.leakguard.deploy;

import io.leakguard.cli.CommandExtension;
import io.leakguard.emulator.EmulatorMain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The local stack's commands, which only the full distribution carries (the service images do not): {@code local},
 * {@code demo}, {@code run broker} and {@code run emulator}. Registered through {@link java.util.ServiceLoader}.
 */
public final class DevCommands implements CommandExtension {

  @Override
  public void extend(CommandLine root) {
    root.addSubcommand(new Local());
    root.addSubcommand(new DemoCommand());
    CommandLine run = root.getSubcommands().get("run");
    run.addSubcommand(new BrokerCommand());
    run.addSubcommand(new EmulatorCommand());
    run.addSubcommand(new MailServerCommand());
  }

  /** Where the local stack keeps its state; the same option for {@code local} and {@code demo}. */
  static final class StackDir {
    @Option(names = "--dir", paramLabel = "DIR", description = "the local stack's directory: logs, state, "
        + "local.json (default: $LEAKGUARD_LOCAL_DIR, else .leakguard in the working directory)")
    Path dir;

    LocalStack.Options options(boolean keepCloudState) {
      Path chosen = dir != null ? dir : Path.of(System.getenv().getOrDefault("LEAKGUARD_LOCAL_DIR", ".leakguard"));
      return new LocalStack.Options(chosen.toAbsolutePath(), keepCloudState);
    }
  }

  @Command(name = "local", mixinStandardHelpOptions = true,
      description = {"Start the local stack until Ctrl-C: a Kafka broker, the Alibaba Cloud emulator and the four "
          + "services, each its own process. Connection details go to <dir>/local.json; the emulator keeps its "
          + "accounts and keys across restarts."},
      footer = {"", "Examples:", "  leakguard local &  then  leakguard scan --publish ./leaky.env",
          "  leakguard local --brokers 3 --instances 2"})
  static final class Local implements Callable<Integer> {
    @CommandLine.Mixin
    StackDir dir;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
        description = "Kafka nodes, each its own process and data directory: 1, or 3 or more for a cluster with "
            + "replication factor 3 and min.insync.replicas=2 on every topic (default: ${DEFAULT-VALUE})")
    int brokers;

    @Option(names = "--instances", paramLabel = "N", defaultValue = "1",
        description = "instances of each service, each its own process, state directory and health port; with more "
            + "than one, every state store has a standby replica (default: ${DEFAULT-VALUE})")
    int instances;

    @Override
    public Integer call() throws Exception {
      LocalStack.Options base = dir.options(true);
      LocalStack.Options options;
      try {
        options = new LocalStack.Options(base.dir(), true, brokers, instances, Map.of(), null);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      return LocalStack.runUntilInterrupted(options);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
  }

  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = {"Start the local stack with a fresh demo cloud, leak one demo key, follow its remediation "
          + "(detection, owner, rotation, KMS, deletion, notification), check every step, and stop."},
      footer = {"", "Exit codes: 0 every check passed, 1 a check failed, 2 usage.", "", "Example:",
          "  leakguard demo --dir /tmp/leakguard-demo"})
  static final class DemoCommand implements Callable<Integer> {
    @CommandLine.Mixin
    StackDir dir;

    @Override
    public Integer call() throws Exception {
      return Demo.run(dir.options(false));
    }
  }

  @Command(name = "broker", mixinStandardHelpOptions = true,
      description = {"Run a KRaft Kafka broker for local use, on 127.0.0.1 only: a single-node cluster, or one node "
          + "of a cluster file's cluster. An empty or absent "
          + "directory is formatted; an earlier broker's directory is started again with its data, cluster ID and "
          + "ports. A development component: not in the service images."},
      footer = {"", "Example:", "  leakguard run broker --data-dir /tmp/kafka --ready-file /tmp/kafka.ready"})
  static final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "the broker's data directory")
    Path dataDir;

    @Option(names = "--ready-file", paramLabel = "FILE",
        description = "where to write the bootstrap servers once the broker accepts connections")
    Path readyFile;

    @Option(names = "--cluster-file", paramLabel = "FILE",
        description = "run as one node of the cluster this JSON describes (cluster ID, every node's ID and ports), "
            + "as written by 'leakguard local --brokers N'; without it, a single-node cluster")
    Path clusterFile;

    @Option(names = "--node-id", paramLabel = "N", defaultValue = "0",
        description = "this node's ID in the cluster file (default: ${DEFAULT-VALUE})")
    int nodeId;

    @Override
    public Integer call() throws Exception {
      return BrokerMain.run(dataDir, clusterFile, nodeId, readyFile);
    }
  }

  @Command(name = "mail-server", mixinStandardHelpOptions = true,
      description = {"Run an SMTP and IMAP server (GreenMail) for local use, on 127.0.0.1 only, in memory, with the "
          + "mailboxes of a users file (JSON: {\"mailboxes\":[{\"address\",\"login\",\"password\"}]}). It takes "
          + "mail for any address without a login; IMAP wants a mailbox's login and password. A development "
          + "component: not in the service images."},
      footer = {"", "Example:", "  leakguard run mail-server --users-file mail-users.json --smtp-port 3025 "
          + "--imap-port 3143"})
  static final class MailServerCommand implements Callable<Integer> {
    @Option(names = "--users-file", required = true, paramLabel = "FILE",
        description = "the mailboxes to create, with their logins and passwords")
    Path usersFile;

    @Option(names = "--smtp-port", paramLabel = "N", defaultValue = "0",
        description = "SMTP port; 0 takes a free one (default: ${DEFAULT-VALUE})")
    int smtpPort;

    @Option(names = "--imap-port", paramLabel = "N", defaultValue = "0",
        description = "IMAP port; 0 takes a free one (default: ${DEFAULT-VALUE})")
    int imapPort;

    @Option(names = "--ready-file", paramLabel = "FILE",
        description = "where to write {\"smtpPort\":N,\"imapPort\":M} once both listen")
    Path readyFile;

    @Override
    public Integer call() throws Exception {
      return MailServerMain.run(usersFile, smtpPort, imapPort, readyFile);
    }
  }

  @Command(name = "emulator", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Run the Alibaba Cloud emulator (RAM, STS, KMS, ActionTrail over the real RPC protocol) for local "
          + "use. The admin token comes from LEAKGUARD_EMULATOR_ADMIN_TOKEN, else it is generated. A development "
          + "component: not in the service images."},
      footer = {"", "Example:", "  leakguard run emulator --port 18080 --fleet fleet.json --admin-token-file token"})
  static final class EmulatorCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N", defaultValue = "18080", description = "HTTP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
        description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--region", paramLabel = "REGION", defaultValue = "cn-hangzhou",
        description = "region it answers for (default: ${DEFAULT-VALUE})")
    String region;

    @Option(names = "--fleet", paramLabel = "FILE", description = "accounts, users, keys and roles to seed (JSON)")
    Path fleet;

    @Option(names = "--state-file", paramLabel = "FILE", description = "load state from it at start, save it at stop")
    Path stateFile;

    @Option(names = "--admin-token-file", paramLabel = "FILE", description = "where to write a generated admin token")
    Path adminTokenFile;

    @Option(names = "--https", description = "also listen with TLS (a self-signed certificate)")
    boolean https;

    @Option(names = "--https-port", paramLabel = "N", description = "HTTPS port (default: 18443)")
    Integer httpsPort;

    @Option(names = "--https-trust-store", paramLabel = "FILE",
        description = "with --https: write the certificate there as a PKCS#12 trust store (password "
            + "leakguard-emulator, not a secret), for clients that must trust it (credentials-java's OIDC provider)")
    Path httpsTrustStore;

    @Override
    public Integer call() {
      List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", bind, "--region",
          region));
      if (fleet != null) {
        args.addAll(List.of("--fleet", fleet.toString()));
      }
      if (stateFile != null) {
        args.addAll(List.of("--state-file", stateFile.toString()));
      }
      if (adminTokenFile != null) {
        args.addAll(List.of("--admin-token-file", adminTokenFile.toString()));
      }
      if (https) {
        args.add("--https");
      }
      if (httpsPort != null) {
        args.addAll(List.of("--https-port", httpsPort.toString()));
      }
      if (httpsTrustStore != null) {
        args.addAll(List.of("--https-trust-store", httpsTrustStore.toString()));
      }
      EmulatorMain.main(args.toArray(String[]::new));
      return 0;
    }
  }
}
