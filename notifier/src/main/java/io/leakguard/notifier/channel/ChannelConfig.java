package io.leakguard.notifier.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of one channel instance from the routing file ({@code channels.<name>}), with credentials resolved.
 * A credential (robot URL with its token, signing secret, SMTP password) is never written in the file itself: the
 * file names an environment variable ({@code "secretEnv": "LEAKGUARD_DINGTALK_SECRET"}) or a file
 * ({@code "secretFile": "/run/secrets/dingtalk"}, whole content, trailing newline dropped), and {@link #secret}
 * refuses an inline value. Every error names the entry, e.g. {@code channels.soc-dingtalk.secret}.
 */
public final class ChannelConfig {

  private final String name;
  private final Map<String, String> values;
  private final Map<String, String> env;
  private final Set<String> read = new TreeSet<>();

  /**
   * @param name   the instance's name ({@code channels.<name>})
   * @param values its fields as strings (numbers and booleans as written)
   * @param env    the process environment (a test passes its own)
   */
  public ChannelConfig(String name, Map<String, String> values, Map<String, String> env) {
    this.name = name;
    this.values = Map.copyOf(values);
    this.env = Map.copyOf(env);
  }

  public String name() {
    return name;
  }

  /** {@code channels.<name>.<key>}, for error messages. */
  public String path(String key) {
    return "channels." + name + "." + key;
  }

  public Optional<String> optional(String key) {
    read.add(key);
    String value = values.get(key);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String required(String key) {
    return optional(key).orElseThrow(() -> new IllegalArgumentException(path(key) + " is required"));
  }

  /**
   * A credential, from {@code <key>Env} (an environment variable's name) or {@code <key>File} (a file's path); empty
   * when neither is given. An inline {@code <key>} is refused, so that no credential sits in the routing file.
   */
  public Optional<String> secret(String key) {
    read.add(key);
    read.add(key + "Env");
    read.add(key + "File");
    if (values.containsKey(key)) {
      throw new IllegalArgumentException(path(key) + ": a credential is never written in the routing file; name an "
          + "environment variable (" + key + "Env) or a file (" + key + "File) instead");
    }
    String variable = values.get(key + "Env");
    String file = values.get(key + "File");
    if (variable != null && file != null) {
      throw new IllegalArgumentException(path(key) + ": give " + key + "Env or " + key + "File, not both");
    }
    if (variable != null) {
      String value = env.get(variable.trim());
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(path(key + "Env") + ": the environment variable " + variable.trim()
            + " is not set");
      }
      return Optional.of(value.trim());
    }
    if (file != null) {
      try {
        String value = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).strip();
        if (value.isEmpty()) {
          throw new IllegalArgumentException(path(key + "File") + ": " + file.trim() + " is empty");
        }
        return Optional.of(value);
      } catch (IOException e) {
        throw new IllegalArgumentException(path(key + "File") + ": cannot read " + file.trim() + " ("
            + e.getClass().getSimpleName() + ")");
      }
    }
    return Optional.empty();
  }

  public String requiredSecret(String key) {
    return secret(key).orElseThrow(() -> new IllegalArgumentException(path(key) + " is required: set " + key
        + "Env or " + key + "File"));
  }

  /** Fails on a field no {@code optional}/{@code required}/{@code secret} call asked for: a typo is an error. */
  public void rejectUnknownFields() {
    for (String key : values.keySet()) {
      if (!read.contains(key) && !"type".equals(key)) {
        throw new IllegalArgumentException(path(key) + " is not a field of a " + values.get("type")
            + " channel; known: " + read);
      }
    }
  }
}
