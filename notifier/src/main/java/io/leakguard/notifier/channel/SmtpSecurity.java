package io.leakguard.notifier.channel;

import java.util.Arrays;
import java.util.Locale;

/** How an e-mail channel protects its SMTP connection: the {@code security} field of its routing-file entry. */
public enum SmtpSecurity {

  /** Plain connection upgraded with STARTTLS, which is required: a server that does not offer it is refused. */
  STARTTLS("starttls", 587),
  /** TLS from the first byte (SMTPS, "implicit TLS"). */
  TLS("tls", 465),
  /** No encryption at all: for a mail server on the loopback interface only. */
  NONE("none", 25);

  private final String word;
  private final int defaultPort;

  SmtpSecurity(String word, int defaultPort) {
    this.word = word;
    this.defaultPort = defaultPort;
  }

  public String word() {
    return word;
  }

  public int defaultPort() {
    return defaultPort;
  }

  /** The value of its routing-file word; the error names the field and the known words. */
  static SmtpSecurity of(String word, String path) {
    String wanted = word.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(s -> s.word.equals(wanted)).findFirst().orElseThrow(
        () -> new IllegalArgumentException(path + ": '" + word + "' is not one of "
            + Arrays.stream(values()).map(SmtpSecurity::word).toList()));
  }
}
