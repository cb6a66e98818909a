package io.leakguard.notifier.channel;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Date;
import java.util.HexFormat;

/**
 * Turns a {@link Message} into the e-mail LeakGuard sends: {@code multipart/alternative} with the plain text and the
 * HTML part, both UTF-8, the title as subject (RFC 2047 encoded when it is not ASCII, as a zh-CN title is), and
 * headers that make a resend recognizable and keep auto-responders quiet:
 * <ul>
 *   <li>{@code Message-ID: <deliveryId@leakguard>}: the same for every attempt of one delivery;</li>
 *   <li>{@code X-LeakGuard-Incident: <incidentId>} and {@code X-LeakGuard-Delivery: <deliveryId>} (the same ID as
 *       the webhook's idempotency key);</li>
 *   <li>{@code Auto-Submitted: auto-generated} (RFC 3834), and {@code Content-Language}.</li>
 * </ul>
 */
final class EmailComposer {

  static final String MESSAGE_ID_DOMAIN = "leakguard";
  static final String INCIDENT_HEADER = "X-LeakGuard-Incident";
  static final String DELIVERY_HEADER = "X-LeakGuard-Delivery";

  private final Session session;
  private final InternetAddress from;
  private final Clock clock;

  EmailComposer(Session session, InternetAddress from, Clock clock) {
    this.session = session;
    this.from = from;
    this.clock = clock;
  }

  MimeMessage compose(InternetAddress to, Message message) throws MessagingException {
    MimeMessage mail = new FixedIdMessage(session, messageId(message.deliveryId()));
    mail.setFrom(from);
    mail.setRecipient(jakarta.mail.Message.RecipientType.TO, to);
    mail.setSubject(oneLine(message.title()), StandardCharsets.UTF_8.name());
    mail.setSentDate(Date.from(clock.instant()));
    mail.setHeader(INCIDENT_HEADER, headerValue(message.incidentId()));
    mail.setHeader(DELIVERY_HEADER, headerValue(message.deliveryId()));
    mail.setHeader("Auto-Submitted", "auto-generated");
    if (message.language() != null && message.language().matches("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")) {
      mail.setHeader("Content-Language", message.language());
    }
    MimeBodyPart text = new MimeBodyPart();
    text.setText(message.text(), StandardCharsets.UTF_8.name(), "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(message.html(), StandardCharsets.UTF_8.name(), "html");
    // Least preferred first (RFC 2046 5.1.4): a client that shows HTML shows the HTML part.
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    mail.setContent(alternative);
    mail.saveChanges();
    return mail;
  }

  /**
   * {@code <id-left@leakguard>} from the delivery ID. The id-left of RFC 5322 is a dot-atom: a character outside
   * {@code atext} becomes {@code -}, and then a short hash of the original ID is appended so that two IDs which only
   * differ there still get two Message-IDs.
   */
  static String messageId(String deliveryId) {
    StringBuilder left = new StringBuilder();
    boolean changed = false;
    for (int i = 0; i < deliveryId.length(); i++) {
      char c = deliveryId.charAt(i);
      boolean dotOk = c == '.' && left.length() > 0 && left.charAt(left.length() - 1) != '.';
      if (isAtext(c) || dotOk) {
        left.append(c);
      } else {
        left.append('-');
        changed = true;
      }
    }
    while (left.length() > 0 && left.charAt(left.length() - 1) == '.') {
      left.setLength(left.length() - 1);
      changed = true;
    }
    if (left.length() == 0) {
      left.append("delivery");
      changed = true;
    }
    if (changed) {
      left.append('.').append(shortHash(deliveryId));
    }
    return "<" + left + "@" + MESSAGE_ID_DOMAIN + ">";
  }

  private static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
  }

  private static String shortHash(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** A header value of printable ASCII on one line (an incident ID is; this is a guard, not an encoder). */
  private static String headerValue(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      out.append(c >= 0x21 && c <= 0x7e ? c : '_');
    }
    return out.toString();
  }

  private static String oneLine(String title) {
    return title.replaceAll("[\\r\\n]+", " ").strip();
  }

  /** A MIME message whose Message-ID is ours: {@code saveChanges} would otherwise make a new one every attempt. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
