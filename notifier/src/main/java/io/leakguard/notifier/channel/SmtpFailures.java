package io.leakguard.notifier.channel;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Classifies what Jakarta Mail threw, once: an SMTP 4xx reply, a connection failure or a timeout can pass (retryable);
 * a 5xx reply (550 mailbox unavailable, 535 authentication failed), a certificate that is not trusted and a server
 * without the required STARTTLS will not. The reply code comes from {@link SMTPSendFailedException} or
 * {@link SMTPAddressFailedException}, else from the transport's last reply.
 *
 * <p>The message says where and what in one line and never holds a credential: the password, and its base64 forms
 * as AUTH sends them, are cut out of any server text it quotes.
 */
final class SmtpFailures {

  private static final int MAX_TEXT = 200;

  private final String server;
  private final List<String> secrets;

  /**
   * @param server   {@code host:port}, for the message
   * @param username the login, if any (its base64 with the password is what AUTH PLAIN sends)
   * @param password the password, if any
   */
  SmtpFailures(String server, Optional<String> username, Optional<String> password) {
    this.server = server;
    List<String> forms = new ArrayList<>();
    password.ifPresent(p -> {
      forms.add(p);
      forms.add(base64(p));
      username.ifPresent(u -> forms.add(base64("\0" + u + "\0" + p)));
    });
    this.secrets = List.copyOf(forms);
  }

  /**
   * @param failure         what the transport threw
   * @param lastReplyCode   the transport's last SMTP reply code, or -1 when no reply came
   * @param recipient       the address, for the message
   */
  DeliveryException classify(Exception failure, int lastReplyCode, String recipient) {
    List<Throwable> chain = chain(failure);
    for (Throwable t : chain) {
      if (t instanceof SMTPAddressFailedException refused) {
        return byCode(refused.getReturnCode(), "refused recipient " + recipient, refused, failure);
      }
      if (t instanceof SMTPSendFailedException refused) {
        return byCode(refused.getReturnCode(), "refused the message to " + recipient, refused, failure);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof AuthenticationFailedException refused) {
        return byCode(lastReplyCode, "refused the login", refused, failure);
      }
    }
    for (Throwable t : chain) {
      if (t.getMessage() != null && t.getMessage().contains("STARTTLS is required")) {
        return new DeliveryException("SMTP " + server + " does not offer STARTTLS, which security 'starttls' "
            + "requires: nothing was sent", false, failure);
      }
      if (t instanceof SSLHandshakeException || t instanceof CertificateException) {
        return new DeliveryException("SMTP " + server + ": the TLS handshake failed (" + text(t)
            + "); is the server's certificate trusted (trustStoreFile) and issued for this host?", false, failure);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof IOException) {
        return new DeliveryException("SMTP " + server + " unreachable or too slow: " + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : " " + text(t)), true, failure);
      }
    }
    return byCode(lastReplyCode, "failed for " + recipient, failure, failure);
  }

  private DeliveryException byCode(int code, String what, Throwable reply, Exception failure) {
    boolean retryable = code >= 400 && code < 500;
    String codeText = code > 0 ? " " + code : "";
    return new DeliveryException("SMTP" + codeText + " from " + server + ": " + what + ": " + text(reply)
        + (retryable ? " (temporary)" : ""), retryable, failure);
  }

  /** The exception's text on one line, shortened, without any form of the password. */
  String text(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    for (String secret : secrets) {
      message = message.replace(secret, "[redacted]");
    }
    message = message.replaceAll("\\s+", " ").strip();
    return message.length() <= MAX_TEXT ? message : message.substring(0, MAX_TEXT) + "...";
  }

  private static List<Throwable> chain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(failure));
    while (!todo.isEmpty() && chain.size() < 20) {
      Throwable t = todo.poll();
      if (chain.contains(t)) {
        continue;
      }
      chain.add(t);
      if (t instanceof MessagingException m && m.getNextException() != null) {
        todo.add(m.getNextException());
      }
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
    }
    return chain;
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
