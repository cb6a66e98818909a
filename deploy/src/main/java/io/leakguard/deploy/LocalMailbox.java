package io.leakguard.deploy;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Reads one mailbox of the local mail server over IMAP (as any mail client would, with the mailbox's login and
 * password from {@code local.json}), so the demo can show and check what the notifier sent.
 */
final class LocalMailbox {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /**
   * One message as the mailbox holds it.
   *
   * @param raw the whole message as sent (headers and every part), to check that no secret is in it
   */
  record Mail(String messageId, String from, List<String> to, String subject, Instant sent, String text, String raw) {

    /** The first {@code n} non-blank lines of the plain text. */
    List<String> firstLines(int n) {
      return text.lines().filter(line -> !line.isBlank()).limit(n).toList();
    }

    /** Subject, from, to and the first lines, for the demo's output. */
    String summary(int lines) {
      StringBuilder out = new StringBuilder();
      out.append("Subject: ").append(subject).append('\n');
      out.append("From:    ").append(from).append('\n');
      out.append("To:      ").append(String.join(", ", to)).append('\n');
      firstLines(lines).forEach(line -> out.append("  | ").append(line).append('\n'));
      return out.toString();
    }
  }

  private final String host;
  private final int imapPort;

  LocalMailbox(String host, int imapPort) {
    this.host = host;
    this.imapPort = imapPort;
  }

  /** Every message in the INBOX of the mailbox, oldest first; read-only, so nothing is marked seen. */
  List<Mail> messages(LocalMail.Mailbox mailbox) throws MessagingException, IOException {
    Properties props = new Properties();
    String timeout = Long.toString(TIMEOUT.toMillis());
    props.put("mail.imap.connectiontimeout", timeout);
    props.put("mail.imap.timeout", timeout);
    props.put("mail.imap.writetimeout", timeout);
    Store store = Session.getInstance(props).getStore("imap");
    store.connect(host, imapPort, mailbox.login(), mailbox.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      try {
        List<Mail> mails = new ArrayList<>();
        for (jakarta.mail.Message message : inbox.getMessages()) {
          mails.add(read((MimeMessage) message));
        }
        return mails;
      } finally {
        inbox.close(false);
      }
    } finally {
      store.close();
    }
  }

  private static Mail read(MimeMessage message) throws MessagingException, IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    message.writeTo(raw);
    Address[] from = message.getFrom();
    Address[] to = message.getRecipients(jakarta.mail.Message.RecipientType.TO);
    return new Mail(message.getMessageID(), from == null || from.length == 0 ? "" : from[0].toString(),
        to == null ? List.of() : Arrays.stream(to).map(Address::toString).toList(), message.getSubject(),
        message.getSentDate() == null ? null : message.getSentDate().toInstant(), plainText(message),
        raw.toString(StandardCharsets.UTF_8));
  }

  /** The text/plain part (of a multipart/alternative, the first one); else the text of whatever there is. */
  private static String plainText(Part part) throws MessagingException, IOException {
    if (part.isMimeType("text/plain")) {
      return part.getContent().toString().replace("\r\n", "\n");
    }
    if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart child = multipart.getBodyPart(i);
        String text = plainText(child);
        if (!text.isEmpty()) {
          return text;
        }
      }
      return "";
    }
    return part.isMimeType("text/*") ? part.getContent().toString().replace("\r\n", "\n") : "";
  }
}
