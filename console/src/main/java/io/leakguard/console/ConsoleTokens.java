package io.leakguard.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who may use the console: bearer tokens, each naming an identity, from {@value #ENV} or the {@code console.token.file}
 * (one of them, never both). Each non-empty line not starting with {@code #} is {@code NAME TOKEN} or a bare
 * {@code TOKEN} (identity {@value #DEFAULT_IDENTITY}). A token has at least {@value #MIN_LENGTH} characters. The
 * identity is what an approval records as {@code decidedBy}. Tokens are compared by their SHA-256 digests in constant
 * time, and only the digests are kept.
 */
public final class ConsoleTokens {

  public static final String ENV = "LEAKGUARD_CONSOLE_TOKEN";
  public static final String DEFAULT_IDENTITY = "console";
  public static final int MIN_LENGTH = 20;

  private record Entry(String identity, byte[] digest) {}

  private final List<Entry> entries;

  private ConsoleTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The tokens from the environment or the file; an {@link IllegalArgumentException} when there are none. */
  public static ConsoleTokens load(String file, Map<String, String> env) {
    String fromEnv = env.get(ENV);
    boolean hasEnv = fromEnv != null && !fromEnv.isBlank();
    boolean hasFile = file != null && !file.isBlank();
    if (hasEnv && hasFile) {
      throw new IllegalArgumentException("give " + ENV + " or " + ConsoleApp.TOKEN_FILE.key() + ", not both");
    }
    if (!hasEnv && !hasFile) {
      throw new IllegalArgumentException("the console needs a bearer token: set " + ENV + " or "
          + ConsoleApp.TOKEN_FILE.key() + " (it never runs open)");
    }
    String text;
    String origin;
    if (hasEnv) {
      text = fromEnv;
      origin = ENV;
    } else {
      Path path = Path.of(file.strip());
      origin = ConsoleApp.TOKEN_FILE.key() + " " + path;
      try {
        text = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        // The message names the file and the failure's class, never the content.
        throw new IllegalArgumentException(ConsoleApp.TOKEN_FILE.key() + ": cannot read " + path + " ("
            + e.getClass().getSimpleName() + ")");
      }
    }
    return parse(text, origin);
  }

  static ConsoleTokens parse(String text, String origin) {
    List<Entry> entries = new ArrayList<>();
    int number = 0;
    for (String raw : text.split("\\R")) {
      number++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length > 2) {
        throw new IllegalArgumentException(origin + ": line " + number + " is not 'NAME TOKEN' or 'TOKEN'");
      }
      String identity = parts.length == 2 ? parts[0] : DEFAULT_IDENTITY;
      String token = parts[parts.length - 1];
      if (token.length() < MIN_LENGTH) {
        throw new IllegalArgumentException(origin + ": the token on line " + number + " is shorter than "
            + MIN_LENGTH + " characters");
      }
      entries.add(new Entry(identity, digest(token)));
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(origin + ": no token in it");
    }
    return new ConsoleTokens(entries);
  }

  /** The identity of an {@code Authorization} header's bearer token, or empty. */
  public Optional<String> identify(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = digest(authorization.substring(7).strip());
    String found = null;
    for (Entry entry : entries) {
      // Every entry is compared, so the time taken does not tell which one matched.
      if (MessageDigest.isEqual(entry.digest, presented) && found == null) {
        found = entry.identity;
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
