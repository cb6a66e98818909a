package io.leakguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import io.leakguard.notifier.channel.Channel;
import io.leakguard.notifier.channel.ChannelConfig;
import io.leakguard.notifier.channel.ChannelFactory;
import io.leakguard.notifier.channel.Message;
import io.leakguard.notifier.channel.Recipient;
import io.leakguard.testkit.SyntheticKeys;
import jakarta.mail.AuthenticationFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's mail, in process: the mail server as {@code run mail-server} starts it, the routing file the
 * notifier gets, the notifier's e-mail channel sending through it, and {@link LocalMailbox} reading it back over IMAP.
 */
class LocalMailTest {

  @TempDir
  Path dir;

  private List<LocalMail.Mailbox> mailboxes;
  private GreenMail server;

  @BeforeEach
  void start() {
    mailboxes = LocalMail.mailboxes(DemoFleet.USERS);
    server = MailServerMain.start(mailboxes, 0, 0);
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private LocalMail.Mailbox box(String address) {
    return mailboxes.stream().filter(m -> m.address().equals(address)).findFirst().orElseThrow();
  }

  @Test
  void shouldHaveOneMailboxPerDemoUserAndTheSecurityTeamWithNewPasswords() {
    // Then
    assertEquals(List.of("alice@example.com", "bob@example.com", "carol@example.com", LocalMail.SECURITY_TEAM),
        mailboxes.stream().map(LocalMail.Mailbox::address).toList());
    assertNotEquals(box("alice@example.com").password(), LocalMail.mailboxes(DemoFleet.USERS).get(0).password());
    assertFalse(box("alice@example.com").toString().contains(box("alice@example.com").password()));
  }

  @Test
  void shouldDeliverWhatTheNotifierSendsThroughTheRoutingFileToTheOwnersMailbox() throws Exception {
    // Given: the notifier's mail channel exactly as the routing file describes it
    Path routing = LocalMail.writeRouting(dir, server.getSmtp().getPort(), false);
    JsonNode entry = new ObjectMapper().readTree(routing.toFile()).path("channels").path("mail");
    Map<String, String> fields = new HashMap<>();
    entry.fields().forEachRemaining(f -> fields.put(f.getKey(), f.getValue().asText()));
    Channel mail = ChannelFactory.create(new ChannelConfig("mail", fields, Map.of()), entry.path("type").asText());
    Message message = new Message("inc-1.ROTATED.owner", "inc-1", "ROTATED", "en",
        "Your AccessKey LTAI****abcd was rotated", "Your AccessKey LTAI****abcd leaked.\nIt was replaced.\n",
        "**rotated**", "<p>rotated</p>", Map.of());

    // When
    mail.send(new Recipient("mail", Recipient.OWNER, "alice@example.com", null, "en"), message);
    List<LocalMailbox.Mail> alice = new LocalMailbox(LocalMail.HOST, server.getImap().getPort())
        .messages(box("alice@example.com"));

    // Then
    assertEquals(1, alice.size());
    LocalMailbox.Mail received = alice.get(0);
    assertEquals("<inc-1.ROTATED.owner@leakguard>", received.messageId());
    assertEquals(message.title(), received.subject());
    assertEquals(LocalMail.SENDER, received.from());
    assertEquals(List.of("alice@example.com"), received.to());
    assertEquals(List.of("Your AccessKey LTAI****abcd leaked.", "It was replaced."), received.firstLines(5));
    assertTrue(received.raw().contains("X-LeakGuard-Incident: inc-1"), "the whole message, headers too");
    assertTrue(received.summary(3).contains("Subject: " + message.title()));
    assertEquals(0, new LocalMailbox(LocalMail.HOST, server.getImap().getPort()).messages(box("bob@example.com"))
        .size());
  }

  @Test
  void shouldRefuseAnImapLoginWithAnotherPassword() {
    // Given
    LocalMail.Mailbox alice = box("alice@example.com");
    LocalMail.Mailbox wrong = new LocalMail.Mailbox(alice.address(), alice.login(), SyntheticKeys.random(20));

    // Then
    assertThrows(AuthenticationFailedException.class,
        () -> new LocalMailbox(LocalMail.HOST, server.getImap().getPort()).messages(wrong));
  }

  @Test
  void shouldWriteTheRoutingFileInTheNotifiersShape() throws Exception {
    // When
    JsonNode routing = new ObjectMapper().readTree(LocalMail.writeRouting(dir, 3025, false).toFile());

    // Then
    assertEquals(new ObjectMapper().readTree("""
        {"channels": {"mail": {"type": "email", "host": "127.0.0.1", "port": 3025, "security": "none",
                               "from": "LeakGuard <leakguard@leakguard.local>"},
                      "log": {"type": "log"}},
         "securityTeam": [{"channel": "log"}, {"channel": "mail", "email": "security@leakguard.local"}],
         "ownerChannel": "mail",
         "language": "en"}
        """), routing);
  }

  @Test
  void shouldHandTheMailboxesToTheServerInAnOwnerOnlyFile() throws Exception {
    // When
    Path users = dir.resolve(LocalMail.USERS_FILE);
    LocalMail.writeUsers(users, mailboxes);

    // Then
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(users)));
    assertEquals(mailboxes, LocalMail.readUsers(users));
  }
}
