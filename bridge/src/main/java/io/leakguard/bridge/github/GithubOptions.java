package io.leakguard.bridge.github;

import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bridge's GitHub options, and its two credentials. Credentials are never options (a flag or a properties file
 * would show them in {@code ps} or a ConfigMap): each comes from an environment variable or from a file whose path
 * is an option; giving both is an error.
 *
 * <ul>
 *   <li>The API token, {@value #TOKEN_ENV} or {@code bridge.github.token.file}: a GitHub App installation token or a
 *       fine-grained personal access token with the repository permission "Secret scanning alerts": write (read is
 *       enough for fetching an alert's secret; writing resolves it). The file is read again at every call, so a
 *       side-car can renew an installation token, which lasts an hour.</li>
 *   <li>The webhook secret, {@value #WEBHOOK_SECRET_ENV} or {@code bridge.github.webhook.secret.file}.</li>
 * </ul>
 */
public final class GithubOptions {

  public static final String TOKEN_ENV = "LEAKGUARD_GITHUB_TOKEN";
  public static final String WEBHOOK_SECRET_ENV = "LEAKGUARD_GITHUB_WEBHOOK_SECRET";

  public static final Option<String> API_URL = Option.string("bridge.github.api.url", "https://api.github.com",
      "GitHub's REST API; GitHub Enterprise Server: https://HOST/api/v3");
  public static final Option<String> TOKEN_FILE = Option.string("bridge.github.token.file", "",
      "file holding the GitHub token (else " + TOKEN_ENV + "); without a token no alert is resolved or fetched");
  public static final Option<Duration> TIMEOUT = Option.duration("bridge.github.timeout", "5s",
      "time limit of one GitHub API call (connect and answer)");
  public static final Option<Integer> WEBHOOK_PORT = Option.integer("bridge.github.webhook.port", -1, -1, 65535,
      "port of the secret_scanning_alert webhook receiver (path /github/webhook); -1 = off, 0 = any free port");
  public static final Option<String> WEBHOOK_BIND = Option.string("bridge.github.webhook.bind", "0.0.0.0",
      "address the webhook receiver listens on");
  public static final Option<String> WEBHOOK_SECRET_FILE = Option.string("bridge.github.webhook.secret.file", "",
      "file holding the webhook secret (else " + WEBHOOK_SECRET_ENV + "); required when the receiver is on");
  public static final Option<Boolean> WEBHOOK_FETCH_SECRET = Option.bool("bridge.github.webhook.fetch.secret", true,
      "with a token, fetch each alert from the REST API to add its secret (the webhook carries none) before writing");
  public static final Option<Duration> WEBHOOK_REPLAY_WINDOW = Option.duration("bridge.github.webhook.replay.window",
      "72h", "how long a written delivery's X-GitHub-Delivery is remembered (at most 100,000 IDs) to ignore a replay");

  public static final List<Option<?>> ALL = List.of(API_URL, TOKEN_FILE, TIMEOUT, WEBHOOK_PORT, WEBHOOK_BIND,
      WEBHOOK_SECRET_FILE, WEBHOOK_FETCH_SECRET, WEBHOOK_REPLAY_WINDOW);

  private GithubOptions() {}

  /** The API's base, without a trailing slash: HTTPS, or HTTP to a loopback address (a local fake). */
  static URI apiUrl(Settings settings) {
    String text = settings.get(API_URL).trim();
    try {
      URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
      boolean loopback = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost())
          || "[::1]".equals(uri.getHost());
      if (uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null
          || !("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback))) {
        throw new IllegalArgumentException(API_URL.key() + ": '" + text + "' is not an https:// URL without query "
            + "(http:// only to a loopback address)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(API_URL.key() + ": '" + text + "' is not a URL");
    }
  }

  /** The token, when one is configured: read now to fail at start, and again at every call. */
  static Optional<Supplier<String>> token(Settings settings, Map<String, String> env) {
    return credential(TOKEN_ENV, settings.get(TOKEN_FILE), TOKEN_FILE.key(), env);
  }

  /** The webhook secret, when one is configured. */
  static Optional<Supplier<String>> webhookSecret(Settings settings, Map<String, String> env) {
    return credential(WEBHOOK_SECRET_ENV, settings.get(WEBHOOK_SECRET_FILE), WEBHOOK_SECRET_FILE.key(), env);
  }

  static Optional<Supplier<String>> credential(String variable, String file, String fileKey,
      Map<String, String> env) {
    String fromEnv = env.get(variable);
    boolean hasEnv = fromEnv != null && !fromEnv.isBlank();
    boolean hasFile = file != null && !file.isBlank();
    if (hasEnv && hasFile) {
      throw new IllegalArgumentException("give " + variable + " or " + fileKey + ", not both");
    }
    if (hasEnv) {
      String value = fromEnv.strip();
      return Optional.of(() -> value);
    }
    if (!hasFile) {
      return Optional.empty();
    }
    Path path = Path.of(file.trim());
    Supplier<String> reader = () -> {
      try {
        String value = Files.readString(path, StandardCharsets.UTF_8).strip();
        if (value.isEmpty()) {
          throw new IllegalStateException(fileKey + ": " + path + " is empty");
        }
        return value;
      } catch (IOException e) {
        // The message names the file and the failure's class, never the content.
        throw new IllegalStateException(fileKey + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
      }
    };
    try {
      reader.get();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return Optional.of(reader);
  }
}
