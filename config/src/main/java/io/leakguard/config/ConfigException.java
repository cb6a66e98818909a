package io.leakguard.config;

/** A configuration that cannot be used; the message names the key and the reason. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
