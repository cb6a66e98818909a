package io.leakguard.notifier.channel;

import io.leakguard.config.Option;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The validated settings of one e-mail channel, from its routing-file entry:
 *
 * <pre>{@code
 * "mail": {"type": "email", "host": "smtp.example.com", "port": 587, "security": "starttls",
 *          "from": "LeakGuard <leakguard@example.com>", "username": "leakguard", "passwordEnv": "SMTP_PASSWORD",
 *          "timeout": "10s", "trustStoreFile": "/etc/leakguard/ca.p12", "trustStorePasswordEnv": "CA_STORE_PASSWORD"}
 * }</pre>
 *
 * <p>{@code security: none} is accepted for a loopback host only ({@code localhost}, {@code 127.0.0.0/8},
 * {@code ::1}, written as such: a name is never resolved for this test), so that a production entry cannot send
 * mail, and a password, in clear. The password comes from {@code passwordEnv} or {@code passwordFile} only.
 *
 * @param host       the SMTP server
 * @param port       its port: by default 587 (starttls), 465 (tls) or 25 (none)
 * @param security   how the connection is protected
 * @param from       the sender, an RFC 5322 address, possibly with a display name
 * @param username   the SMTP login, if the server wants one
 * @param password   its password (present exactly when {@code username} is)
 * @param timeout    the connect, read and write timeout each
 * @param trustStore the CAs to trust instead of the JVM's, for a server with a private CA; empty: the JVM's
 */
record EmailSettings(String host, int port, SmtpSecurity security, InternetAddress from, Optional<String> username,
    Optional<String> password, Duration timeout, Optional<KeyStore> trustStore) {

  static final Option<Duration> TIMEOUT = Option.duration("timeout", "10s",
      "connect, read and write timeout of the SMTP connection");
  private static final Option<Integer> PORT = Option.integer("port", 0, 1, 65535, "the SMTP server's port");
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:.]*:[0-9a-fA-F:.]*]?");

  /** Reads and checks the entry; every error names the field ({@code channels.mail.security}). */
  static EmailSettings from(ChannelConfig config) {
    String host = config.required("host");
    SmtpSecurity security = SmtpSecurity.of(config.optional("security").orElse(SmtpSecurity.STARTTLS.word()),
        config.path("security"));
    if (security == SmtpSecurity.NONE && !isLoopback(host)) {
      throw new IllegalArgumentException(config.path("security") + ": 'none' sends mail and any password in clear "
          + "and is allowed for a loopback host only (localhost, 127.0.0.1, ::1), not " + host
          + "; use starttls or tls");
    }
    int port = config.optional("port").map(value -> parse(PORT, value, config)).orElse(security.defaultPort());
    InternetAddress from = address(config.required("from"), config.path("from"));
    Optional<String> username = config.optional("username");
    if (username.isEmpty()) {
      username = config.secret("username");
    }
    Optional<String> password = config.secret("password");
    if (username.isPresent() != password.isPresent()) {
      throw new IllegalArgumentException(username.isPresent()
          ? config.path("password") + " is required with a username: set passwordEnv or passwordFile"
          : config.path("username") + " is required with a password");
    }
    Duration timeout = parse(TIMEOUT, config.optional(TIMEOUT.key()).orElse(TIMEOUT.defaultValue()), config);
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(config.path(TIMEOUT.key()) + " must be positive, not " + timeout);
    }
    Optional<KeyStore> trustStore = Optional.empty();
    Optional<String> trustStoreFile = config.optional("trustStoreFile");
    Optional<String> trustStorePassword = config.secret("trustStorePassword");
    if (trustStoreFile.isPresent()) {
      trustStore = Optional.of(loadTrustStore(Path.of(trustStoreFile.get()), trustStorePassword,
          config.path("trustStoreFile")));
    } else if (trustStorePassword.isPresent()) {
      throw new IllegalArgumentException(config.path("trustStorePassword") + " is given without trustStoreFile");
    }
    return new EmailSettings(host, port, security, from, username, password, timeout, trustStore);
  }

  /** Whether the host is written as a loopback address: {@code localhost} or an IP literal in 127/8 or ::1. */
  static boolean isLoopback(String host) {
    String h = host.trim();
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!IP_LITERAL.matcher(h).matches()) {
      return false; // a name: resolving it here would trust whatever DNS says today
    }
    try {
      return InetAddress.getByName(h.startsWith("[") ? h.substring(1, h.length() - 1) : h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** One strict RFC 5322 address (a display name allowed); the error names the field. */
  static InternetAddress address(String value, String path) {
    try {
      InternetAddress[] parsed = InternetAddress.parse(value, true);
      if (parsed.length != 1) {
        throw new IllegalArgumentException(path + ": '" + value + "' must be exactly one address");
      }
      parsed[0].validate();
      if (parsed[0].getAddress().indexOf('@') < 1) {
        throw new IllegalArgumentException(path + ": '" + value + "' has no domain");
      }
      return parsed[0];
    } catch (AddressException e) {
      throw new IllegalArgumentException(path + ": '" + value + "' is not an e-mail address (" + e.getMessage() + ")");
    }
  }

  private static <T> T parse(Option<T> option, String value, ChannelConfig config) {
    try {
      return option.parser().apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(config.path(option.key()) + ": " + e.getMessage());
    }
  }

  private static KeyStore loadTrustStore(Path file, Optional<String> password, String path) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.map(String::toCharArray).orElse(null));
      if (store.size() == 0) {
        throw new IllegalArgumentException(path + ": " + file + " holds no certificate");
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      // The message of a wrong password says so; it never holds the password.
      throw new IllegalArgumentException(path + ": cannot read the PKCS#12 trust store " + file + " ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
  }

  /** No credential: the password is never printed, the username is only said to be there. */
  @Override
  public String toString() {
    return "EmailSettings[" + security.word() + "://" + host + ":" + port + ", from " + from
        + (username.isPresent() ? ", with login" : "") + ", timeout " + timeout
        + (trustStore.isPresent() ? ", own trust store" : "") + "]";
  }
}
