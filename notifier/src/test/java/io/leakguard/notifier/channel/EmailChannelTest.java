package io.leakguard.notifier.channel;

import static io.leakguard.notifier.channel.MailFixtures.ALICE;
import static io.leakguard.notifier.channel.MailFixtures.config;
import static io.leakguard.notifier.channel.MailFixtures.holdsSecret;
import static io.leakguard.notifier.channel.MailFixtures.message;
import static io.leakguard.notifier.channel.MailFixtures.owner;
import static io.leakguard.notifier.channel.MailFixtures.printed;
import static io.leakguard.notifier.channel.MailFixtures.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.leakguard.testkit.SyntheticKeys;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The e-mail channel against a real SMTP server, GreenMail, on loopback without TLS ({@code security: none}). */
class EmailChannelTest {

  private static final String LOGIN = "leakguard";

  private GreenMail greenMail;
  private String password;

  @BeforeEach
  void startServer() {
    password = SyntheticKeys.random(20);
    greenMail = MailFixtures.greenMail(ServerSetup.PROTOCOL_SMTP);
    greenMail.setUser("leakguard@leakguard.local", LOGIN, password);
  }

  @AfterEach
  void stopServer() {
    greenMail.stop();
  }

  private EmailChannel plainChannel(Map<String, String> env, String... more) {
    List<String> fields = new ArrayList<>(List.of("host", "127.0.0.1", "port",
        Integer.toString(greenMail.getSmtp().getPort()), "security", "none"));
    fields.addAll(List.of(more));
    return (EmailChannel) ChannelFactory.create(config(env, fields.toArray(String[]::new)), "email");
  }

  @Test
  void shouldDeliverPlainTextAndHtmlAsAlternativesWithTheLeakGuardHeaders() throws Exception {
    // Given
    EmailChannel channel = plainChannel(Map.of());
    Message message = message("inc-7f3a.ROTATED.owner");

    // When
    String answer = channel.send(owner(ALICE), message);

    // Then
    assertTrue(answer.startsWith("250"), answer);
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(1, received.length);
    MimeMessage mail = received[0];
    assertEquals("<inc-7f3a.ROTATED.owner@leakguard>", mail.getMessageID());
    assertEquals("inc-7f3a", mail.getHeader(EmailComposer.INCIDENT_HEADER, null));
    assertEquals("auto-generated", mail.getHeader("Auto-Submitted", null));
    assertEquals(new InternetAddress("leakguard@leakguard.local", "LeakGuard"), mail.getFrom()[0]);
    assertEquals("LeakGuard", ((InternetAddress) mail.getFrom()[0]).getPersonal());
    assertEquals(ALICE, ((InternetAddress) mail.getAllRecipients()[0]).getAddress());
    assertEquals(message.title(), mail.getSubject());
    assertTrue(mail.getContentType().startsWith("multipart/alternative"), mail.getContentType());
    MimeMultipart parts = (MimeMultipart) mail.getContent();
    assertEquals(2, parts.getCount());
    assertTrue(parts.getBodyPart(0).isMimeType("text/plain"));
    assertTrue(parts.getBodyPart(0).getContentType().toLowerCase().contains("charset=utf-8"));
    assertEquals(message.text(), normalized(parts.getBodyPart(0).getContent()));
    assertTrue(parts.getBodyPart(1).isMimeType("text/html"));
    assertEquals(message.html(), normalized(parts.getBodyPart(1).getContent()));
  }

  @Test
  void shouldEncodeAChineseSubjectAndBodyAsUtf8() throws Exception {
    // Given
    EmailChannel channel = plainChannel(Map.of());
    Message message = message("d-zh", "zh-CN", "AccessKey LTAI****7Q2x 已轮换：泄露已处理",
        "您的 AccessKey 在 github.com/acme/app/.env 中泄露，已替换并删除。\n");

    // When
    channel.send(owner(ALICE), message);

    // Then
    MimeMessage mail = greenMail.getReceivedMessages()[0];
    String rawSubject = mail.getHeader("Subject", null);
    assertTrue(rawSubject.startsWith("=?UTF-8?"), "RFC 2047 encoded: " + rawSubject);
    assertEquals(message.title(), mail.getSubject());
    assertEquals("zh-CN", mail.getHeader("Content-Language", null));
    MimeMultipart parts = (MimeMultipart) mail.getContent();
    assertEquals(message.text(), normalized(parts.getBodyPart(0).getContent()));
    assertEquals(message.html(), normalized(parts.getBodyPart(1).getContent()));
  }

  @Test
  void shouldSendAResendWithTheSameMessageId() throws Exception {
    // Given
    EmailChannel channel = plainChannel(Map.of());
    Message message = message("inc-9 ROTATED/owner:alice");

    // When
    channel.send(owner(ALICE), message);
    channel.send(owner(ALICE), message);

    // Then
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(2, received.length);
    assertEquals(received[0].getMessageID(), received[1].getMessageID());
    assertEquals(EmailComposer.messageId("inc-9 ROTATED/owner:alice"), received[0].getMessageID());
  }

  @Test
  void shouldLogInWithThePasswordFromTheEnvironmentAndNeverShowIt() throws Exception {
    // Given
    EmailChannel channel = plainChannel(Map.of("LEAKGUARD_SMTP_PASSWORD", password), "username", LOGIN,
        "passwordEnv", "LEAKGUARD_SMTP_PASSWORD");

    // When
    String answer = channel.send(owner(ALICE), message("d-auth"));

    // Then
    assertTrue(answer.startsWith("250"), answer);
    MimeMessage mail = greenMail.getReceivedMessages()[0];
    assertFalse(holdsSecret(raw(mail), LOGIN, password), "the password is not in the delivered message");
    assertFalse(holdsSecret(answer + channel.describe(owner(ALICE)) + channel, LOGIN, password));
    assertEquals(ALICE, channel.describe(owner(ALICE)));
    assertFalse(channel.describe(owner(ALICE)).contains(LOGIN));
  }

  @Test
  void shouldNotRetryARefusedLoginAndNotShowThePassword() {
    // Given
    String wrong = SyntheticKeys.random(20);
    EmailChannel channel = plainChannel(Map.of("SMTP_PASSWORD", wrong), "username", LOGIN,
        "passwordEnv", "SMTP_PASSWORD");

    // When
    DeliveryException failure = assertThrows(DeliveryException.class,
        () -> channel.send(owner(ALICE), message("d-wrong")));

    // Then
    assertFalse(failure.retryable(), failure.getMessage());
    assertTrue(failure.getMessage().contains("535"), failure.getMessage());
    assertFalse(holdsSecret(printed(failure), LOGIN, wrong));
    assertFalse(holdsSecret(printed(failure), LOGIN, password));
    assertEquals(0, greenMail.getReceivedMessages().length);
  }

  @Test
  void shouldNotRetryAMailboxThatIsUnavailable() throws Exception {
    try (FakeSmtpServer server = FakeSmtpServer.refusingRecipients("550 5.1.1 mailbox unavailable")) {
      // Given
      EmailChannel channel = (EmailChannel) ChannelFactory.create(config(Map.of(), "host", "127.0.0.1", "port",
          Integer.toString(server.port()), "security", "none"), "email");

      // When
      DeliveryException failure = assertThrows(DeliveryException.class,
          () -> channel.send(owner(ALICE), message("d-550")));

      // Then
    assertFalse(failure.retryable(), failure.getMessage());
      assertTrue(failure.getMessage().contains("550"), failure.getMessage());
      assertTrue(failure.getMessage().contains(ALICE), failure.getMessage());
    }
  }

  @Test
  void shouldRetryATemporaryRefusal() throws Exception {
    try (FakeSmtpServer server = FakeSmtpServer.refusingRecipients("451 4.3.0 try again later")) {
      // Given
      EmailChannel channel = (EmailChannel) ChannelFactory.create(config(Map.of(), "host", "127.0.0.1", "port",
          Integer.toString(server.port()), "security", "none"), "email");

      // When
      DeliveryException failure = assertThrows(DeliveryException.class,
          () -> channel.send(owner(ALICE), message("d-451")));

      // Then
    assertTrue(failure.retryable(), failure.getMessage());
      assertTrue(failure.getMessage().contains("451"), failure.getMessage());
    }
  }

  @Test
  void shouldRetryWhenTheServerIsUnreachable() throws Exception {
    // Given: a port nobody listens on
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    EmailChannel channel = (EmailChannel) ChannelFactory.create(config(Map.of(), "host", "127.0.0.1", "port",
        Integer.toString(port), "security", "none"), "email");

    // When
    DeliveryException failure = assertThrows(DeliveryException.class,
        () -> channel.send(owner(ALICE), message("d-down")));

    // Then
    assertTrue(failure.retryable(), failure.getMessage());
  }

  @Test
  void shouldRetryWhenTheServerDoesNotAnswerInTime() throws Exception {
    // Given: a socket whose backlog completes the TCP handshake, but nobody ever says 220
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
      EmailChannel channel = (EmailChannel) ChannelFactory.create(config(Map.of(), "host", "127.0.0.1", "port",
          Integer.toString(silent.getLocalPort()), "security", "none", "timeout", "300ms"), "email");

      // When
      DeliveryException failure = assertThrows(DeliveryException.class,
          () -> channel.send(owner(ALICE), message("d-slow")));

      // Then
    assertTrue(failure.retryable(), failure.getMessage());
      assertTrue(failure.getMessage().contains("SocketTimeoutException"), failure.getMessage());
    }
  }

  @Test
  void shouldNotRetryARecipientWithoutAnAddress() {
    // Given
    EmailChannel channel = plainChannel(Map.of());

    // When
    DeliveryException failure = assertThrows(DeliveryException.class, () -> channel.send(
        new Recipient("mail", Recipient.SECURITY_TEAM, null, null, "en"), message("d-none")));

    // Then
    assertFalse(failure.retryable());
    assertEquals(0, greenMail.getReceivedMessages().length);
  }

  private static String normalized(Object content) {
    return content.toString().replace("\r\n", "\n");
  }
}
