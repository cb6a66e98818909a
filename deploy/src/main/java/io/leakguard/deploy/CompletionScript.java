package io.leakguard.deploy;

import io.leakguard.cli.Leakguard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the bash/zsh completion script of the full command line (local stack included) to the file given; run by
 * the build, so the distribution ships {@code completion/leakguard.bash}. ({@code leakguard generate-completion}
 * prints the same script for whatever the installed class path carries.)
 */
public final class CompletionScript {

  private CompletionScript() {}

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, AutoComplete.bash("leakguard", Leakguard.commandLine()), StandardCharsets.UTF_8);
  }
}
