package io.leakguard.notifier.channel;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Sends each message as one e-mail over SMTP (Jakarta Mail through Eclipse Angus), one connection per message: the
 * notifier sends a few a minute, and a connection that cannot go stale needs no keep-alive logic.
 *
 * <p>Security: with {@code starttls} (the default) STARTTLS is required and a server that does not offer it is
 * refused before anything is sent; with {@code tls} the connection is TLS from the start. Either way the server's
 * certificate must chain to the JVM's CAs or to the entry's {@code trustStoreFile} and be issued for {@code host}.
 * Jakarta Mail's debug output, which would print the AUTH exchange, is never switched on.
 *
 * <p>See {@link EmailSettings} for the routing-file entry, {@link EmailComposer} for the message and
 * {@link SmtpFailures} for which failures are retryable.
 */
public final class EmailChannel implements Channel {

  private static final String PROTOCOL = "smtp";
  private static final int MAX_ANSWER = 100;

  private final String name;
  private final EmailSettings settings;
  private final Session session;
  private final EmailComposer composer;
  private final SmtpFailures failures;

  EmailChannel(String name, EmailSettings settings, Clock clock) {
    this.name = name;
    this.settings = settings;
    this.session = Session.getInstance(properties(settings));
    this.composer = new EmailComposer(session, settings.from(), clock);
    this.failures = new SmtpFailures(settings.host() + ":" + settings.port(), settings.username(),
        settings.password());
  }

  public static EmailChannel fromConfig(ChannelConfig config) {
    return new EmailChannel(config.name(), EmailSettings.from(config), Clock.systemUTC());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String type() {
    return "email";
  }

  /** The recipient's address: an address is not a secret, and nothing of the SMTP login is said. */
  @Override
  public String describe(Recipient recipient) {
    return recipient.email() == null ? "(no e-mail address)" : recipient.email();
  }

  @Override
  public String send(Recipient recipient, Message message) throws DeliveryException {
    if (recipient.email() == null || recipient.email().isBlank()) {
      throw new DeliveryException("the " + recipient.role() + " recipient of channel " + name
          + " has no e-mail address", false);
    }
    InternetAddress to;
    try {
      to = EmailSettings.address(recipient.email(), "recipient");
    } catch (IllegalArgumentException e) {
      throw new DeliveryException(e.getMessage(), false);
    }
    MimeMessage mail;
    try {
      mail = composer.compose(to, message);
    } catch (MessagingException e) {
      throw new DeliveryException("cannot compose the e-mail for " + recipient.email() + ": " + failures.text(e),
          false, e);
    }
    SMTPTransport transport;
    try {
      transport = (SMTPTransport) session.getTransport(PROTOCOL);
    } catch (MessagingException e) {
      throw new IllegalStateException("Jakarta Mail has no SMTP provider on the class path", e);
    }
    try {
      transport.connect(settings.host(), settings.port(), settings.username().orElse(null),
          settings.password().orElse(null));
      transport.sendMessage(mail, mail.getAllRecipients());
      return answer(transport.getLastServerResponse());
    } catch (MessagingException | RuntimeException e) {
      throw failures.classify(e, transport.getLastReturnCode(), recipient.email());
    } finally {
      // QUIT on another thread: the caller records the delivery as sent the moment the server has accepted it
      // (250 after DATA), not a round trip later; a process killed during the QUIT has lost nothing.
      CLOSER.execute(() -> {
        try {
          transport.close();
        } catch (MessagingException ignored) {
          // the message is sent or the failure reported; a failing QUIT changes neither
        }
      });
    }
  }

  /** Closes the transports of sent messages (QUIT), off the delivery workers. */
  private static final java.util.concurrent.ExecutorService CLOSER = java.util.concurrent.Executors
      .newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "smtp-quit");
        t.setDaemon(true);
        return t;
      });

  private static String answer(String reply) {
    if (reply == null || reply.isBlank()) {
      return "sent";
    }
    String line = reply.lines().findFirst().orElse("").strip();
    return line.length() <= MAX_ANSWER ? line : line.substring(0, MAX_ANSWER) + "...";
  }

  static Properties properties(EmailSettings settings) {
    String p = "mail." + PROTOCOL + ".";
    Properties props = new Properties();
    props.put(p + "host", settings.host());
    props.put(p + "port", Integer.toString(settings.port()));
    String timeout = Long.toString(settings.timeout().toMillis());
    props.put(p + "connectiontimeout", timeout);
    props.put(p + "timeout", timeout);
    props.put(p + "writetimeout", timeout);
    props.put(p + "from", settings.from().getAddress()); // the envelope sender (MAIL FROM)
    props.put(p + "auth", Boolean.toString(settings.username().isPresent()));
    switch (settings.security()) {
      case STARTTLS -> {
        props.put(p + "starttls.enable", "true");
        props.put(p + "starttls.required", "true");
      }
      case TLS -> props.put(p + "ssl.enable", "true");
      case NONE -> props.put(p + "ssl.enable", "false");
    }
    if (settings.security() != SmtpSecurity.NONE) {
      props.put(p + "ssl.checkserveridentity", "true");
      props.put(p + "ssl.protocols", "TLSv1.3 TLSv1.2");
      settings.trustStore().ifPresent(store -> props.put(p + "ssl.socketFactory", socketFactory(store)));
    }
    return props;
  }

  private static javax.net.ssl.SSLSocketFactory socketFactory(java.security.KeyStore trustStore) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot build a TLS context from the trust store: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "EmailChannel[" + name + ", " + settings + "]";
  }
}
