package io.leakguard.cli;

import picocli.CommandLine;

/**
 * Commands that only some distributions carry, found with {@link java.util.ServiceLoader}: the full distribution adds
 * the local stack ({@code local}, {@code demo}, {@code run broker}, {@code run emulator}); a service image has none.
 */
public interface CommandExtension {

  /** Adds this extension's commands to the root {@code leakguard} command. */
  void extend(CommandLine root);
}
