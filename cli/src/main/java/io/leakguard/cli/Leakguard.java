package io.leakguard.cli;

import io.leakguard.cloud.CloudException;
import io.leakguard.config.ConfigException;
import io.leakguard.runtime.Redactor;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.ServiceLoader;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code leakguard} command: picocli, one flag style ({@code --key=VALUE} or {@code --key VALUE}), {@code --help}
 * on every command, and no stack trace for a user's mistake: a one-line message, then where to find the usage. Exit
 * codes are {@link Exits}'.
 */
@Command(name = "leakguard", mixinStandardHelpOptions = true, versionProvider = Leakguard.Version.class,
    description = "Finds leaked Alibaba Cloud credentials and remediates them: rotates keys, neutralizes roles, "
        + "stores new secrets in KMS and tells the owners.",
    subcommands = {RunCommand.class, ScanCommandLine.class, ReportCommandLine.class, DecisionCommand.Approve.class,
        DecisionCommand.Reject.class, PauseCommand.Pause.class, PauseCommand.Resume.class, RetryCommandLine.class, IncidentsCommand.List.class, IncidentsCommand.Show.class,
        AutoComplete.GenerateCompletion.class},
    footer = {"", "Exit codes: 0 success, 1 findings (scan) or a failed check (demo), 2 usage or configuration error, "
        + "3 cannot reach Kafka or the cloud.", "", "Example:", "  leakguard scan ./config  (leakguard COMMAND --help "
        + "for each command)"})
public final class Leakguard implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "which command?");
  }

  /** The command line with every command this class path carries (extensions included). */
  public static CommandLine commandLine() {
    CommandLine root = new CommandLine(new Leakguard());
    RunCommand.addServices(root.getSubcommands().get("run"));
    root.addSubcommand(RestoreCommandLine.create());
    root.addSubcommand(EvidenceCommandLine.create());
    root.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false)
        .description("Print a bash/zsh completion script for this installation.")
        .footer("", "Example:", "  source <(leakguard generate-completion)   (zsh: autoload -U bashcompinit; bashcompinit first)");
    for (CommandExtension extension : ServiceLoader.load(CommandExtension.class)) {
      extension.extend(root);
    }
    root.setExecutionExceptionHandler(Leakguard::onError);
    root.setParameterExceptionHandler(Leakguard::onBadArguments);
    root.setCaseInsensitiveEnumValuesAllowed(true);
    root.setUsageHelpAutoWidth(true);
    return root;
  }

  /** Runs the command and returns its exit code. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  private static int onError(Exception error, CommandLine command, CommandLine.ParseResult parsed) {
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    int code;
    if (error instanceof Exits.UsageError || error instanceof ConfigException
        || error instanceof IllegalArgumentException) {
      err.println(name + ": " + Redactor.redact(error.getMessage()));
      err.println("Try '" + name + " --help' for the usage.");
      code = Exits.USAGE;
    } else if (error instanceof Exits.Unreachable || unreachableCloud(error)) {
      err.println(name + ": " + Redactor.redact(error.getMessage()));
      code = Exits.UNREACHABLE;
    } else {
      err.println(name + ": failed: " + Redactor.describe(error));
      code = Exits.FINDINGS;
    }
    err.flush();
    return code;
  }

  /** A bad flag or argument: one line (redacted: someone may have pasted a secret), then the usage. */
  private static int onBadArguments(CommandLine.ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(command.getCommandSpec().qualifiedName() + ": " + Redactor.redact(error.getMessage()));
    err.println();
    command.usage(err);
    err.flush();
    return Exits.USAGE;
  }

  private static boolean unreachableCloud(Throwable error) {
    return error instanceof CloudException cloud && cloud.errorClass().retryable();
  }

  /** The version from the build ({@code version.properties}, filtered by Maven). */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = Leakguard.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"leakguard " + properties.getProperty("version", "unknown"),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
