package io.leakguard.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.leakguard.cloud.RandomCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local stack's mail: one mailbox per demo user (the address the emulator holds for the user, where the notifier
 * writes to a key's owner) and one for the security team, each with a password generated per run; the files that
 * hand them to the mail server process ({@link MailServerMain}) and the notifier's routing file.
 */
final class LocalMail {

  static final String HOST = "127.0.0.1";
  static final String SECURITY_TEAM = "security@leakguard.local";
  static final String SENDER = "LeakGuard <leakguard@leakguard.local>";
  static final String ROUTING_FILE = "notify-routing.json";
  static final String USERS_FILE = "mail-users.json";

  static final String ROUTING_FLAG = "--notify.routing.file=";
  /**
   * Where the notifier of the local stack finds the webhook given to {@code leakguard local} as
   * {@code LEAKGUARD_NOTIFY_WEBHOOK_URL}: a channel of the routing file, so the shorthand option stays unset.
   */
  static final String WEBHOOK_URL_ENV = "LEAKGUARD_LOCAL_WEBHOOK_URL";
  static final String WEBHOOK_SECRET_ENV = "LEAKGUARD_LOCAL_WEBHOOK_SECRET";

  /** A mailbox: its address, its IMAP login (the address) and its password. */
  record Mailbox(String address, String login, String password) {
    @Override
    public String toString() {
      return "Mailbox[" + address + ", password redacted]";
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LocalMail() {}

  /** Every demo user's mailbox and the security team's, with new passwords. */
  static List<Mailbox> mailboxes(List<String> users) {
    List<Mailbox> boxes = new ArrayList<>();
    for (String user : users) {
      boxes.add(generate(DemoFleet.email(user)));
    }
    boxes.add(generate(SECURITY_TEAM));
    return List.copyOf(boxes);
  }

  private static Mailbox generate(String address) {
    return new Mailbox(address, address, RandomCredentials.hex(16));
  }

  /** The mailboxes with their passwords, for the mail server process: owner-only before a byte goes in. */
  static void writeUsers(Path file, List<Mailbox> mailboxes) throws IOException {
    writeOwnerOnly(file, JSON.writeValueAsString(Map.of("mailboxes", mailboxes)));
  }

  static List<Mailbox> readUsers(Path file) throws IOException {
    Map<String, List<Mailbox>> read = JSON.readValue(file.toFile(), new TypeReference<>() {});
    List<Mailbox> mailboxes = read.get("mailboxes");
    if (mailboxes == null || mailboxes.isEmpty()) {
      throw new IllegalArgumentException(file + " lists no mailboxes");
    }
    return mailboxes;
  }

  /**
   * The notifier's routing file for the local stack: e-mail through the local server (plain SMTP on loopback), the
   * security team by log and by mail (and by the signed webhook when {@code webhook} is set: its URL and secret come
   * from {@link #WEBHOOK_URL_ENV} and {@link #WEBHOOK_SECRET_ENV}), each key's owner by mail, in English. It holds
   * no credential.
   */
  static Path writeRouting(Path dir, int smtpPort, boolean webhook) throws IOException {
    Map<String, Object> mail = new LinkedHashMap<>();
    mail.put("type", "email");
    mail.put("host", HOST);
    mail.put("port", smtpPort);
    mail.put("security", "none");
    mail.put("from", SENDER);
    Map<String, Object> channels = new LinkedHashMap<>();
    channels.put("mail", mail);
    channels.put("log", Map.of("type", "log"));
    if (webhook) {
      channels.put("webhook", Map.of("type", "webhook", "urlEnv", WEBHOOK_URL_ENV, "secretEnv", WEBHOOK_SECRET_ENV));
    }
    Map<String, Object> routing = new LinkedHashMap<>();
    routing.put("channels", channels);
    Map<String, Object> securityMail = new LinkedHashMap<>();
    securityMail.put("channel", "mail");
    securityMail.put("email", SECURITY_TEAM);
    List<Map<String, Object>> team = new java.util.ArrayList<>(List.of(Map.of("channel", "log"), securityMail));
    if (webhook) {
      team.add(Map.of("channel", "webhook"));
    }
    routing.put("securityTeam", team);
    routing.put("ownerChannel", "mail");
    routing.put("language", "en");
    Path file = dir.resolve(ROUTING_FILE);
    Path partial = dir.resolve(ROUTING_FILE + ".tmp");
    Files.writeString(partial, JSON.writeValueAsString(routing));
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** The {@code mail} section of {@code local.json}. */
  static Map<String, Object> details(int smtpPort, int imapPort, List<Mailbox> mailboxes, Path routingFile) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("host", HOST);
    details.put("smtpPort", smtpPort);
    details.put("imapPort", imapPort);
    details.put("mailboxes", mailboxes.stream().map(m -> Map.of("address", m.address(), "login", m.login(),
        "password", m.password())).toList());
    details.put("routingFile", routingFile.toString());
    return details;
  }

  static void writeOwnerOnly(Path file, String content) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(partial);
    Files.createFile(partial);
    LocalStack.restrict(partial, "rw-------");
    Files.writeString(partial, content);
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
