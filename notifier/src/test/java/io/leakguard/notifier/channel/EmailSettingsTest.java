package io.leakguard.notifier.channel;

import static io.leakguard.notifier.channel.MailFixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The e-mail channel's routing-file entry: defaults, and every refusal naming its field. */
class EmailSettingsTest {

  private static IllegalArgumentException refused(ChannelConfig config) {
    return assertThrows(IllegalArgumentException.class, () -> ChannelFactory.create(config, "email"));
  }

  @Test
  void shouldDefaultToRequiredStartTlsOnPort587WithATenSecondTimeout() {
    // When
    EmailSettings settings = EmailSettings.from(config(Map.of(), "host", "smtp.example.com"));

    // Then
    assertEquals(SmtpSecurity.STARTTLS, settings.security());
    assertEquals(587, settings.port());
    assertEquals(Duration.ofSeconds(10), settings.timeout());
    assertEquals("LeakGuard", settings.from().getPersonal());
    assertEquals("leakguard@leakguard.local", settings.from().getAddress());
    assertTrue(settings.username().isEmpty() && settings.password().isEmpty() && settings.trustStore().isEmpty());
    assertEquals("true", EmailChannel.properties(settings).getProperty("mail.smtp.starttls.required"));
    assertEquals("true", EmailChannel.properties(settings).getProperty("mail.smtp.ssl.checkserveridentity"));
  }

  @Test
  void shouldDefaultThePortBySecurity() {
    assertEquals(465, EmailSettings.from(config(Map.of(), "host", "smtp.example.com", "security", "tls")).port());
    assertEquals(25, EmailSettings.from(config(Map.of(), "host", "127.0.0.1", "security", "none")).port());
    assertEquals(2525, EmailSettings.from(config(Map.of(), "host", "smtp.example.com", "port", "2525")).port());
  }

  @Test
  void shouldAllowNoEncryptionForALoopbackHostOnly() {
    for (String loopback : new String[] {"localhost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"}) {
      assertEquals(SmtpSecurity.NONE, EmailSettings.from(config(Map.of(), "host", loopback, "security", "none"))
          .security(), loopback);
    }
    for (String remote : new String[] {"smtp.example.com", "10.0.0.1", "localhost.example.com", "::2"}) {
      IllegalArgumentException e = refused(config(Map.of(), "host", remote, "security", "none"));
      assertTrue(e.getMessage().startsWith("channels.mail.security"), e.getMessage());
      assertTrue(e.getMessage().contains("loopback"), e.getMessage());
    }
  }

  @Test
  void shouldRefuseAPasswordWrittenInTheRoutingFileWithoutRepeatingIt() {
    // Given
    String password = SyntheticKeys.random(20);

    // When
    IllegalArgumentException e = refused(config(Map.of(), "host", "smtp.example.com", "username", "leakguard",
        "password", password));

    // Then
    assertTrue(e.getMessage().startsWith("channels.mail.password"), e.getMessage());
    assertFalse(e.getMessage().contains(password));
  }

  @Test
  void shouldReadTheLoginFromTheEnvironmentOrAFile() throws Exception {
    // Given
    String password = SyntheticKeys.random(20);
    java.nio.file.Path file = java.nio.file.Files.createTempFile("smtp-password", "");
    try {
      java.nio.file.Files.writeString(file, password + "\n");

      // When
      EmailSettings settings = EmailSettings.from(config(Map.of("SMTP_USER", "notifier"), "host",
          "smtp.example.com", "usernameEnv", "SMTP_USER", "passwordFile", file.toString()));

      // Then
      assertEquals("notifier", settings.username().orElseThrow());
      assertEquals(password, settings.password().orElseThrow());
      assertFalse(settings.toString().contains(password), settings.toString());
      assertFalse(settings.toString().contains("notifier"), settings.toString());
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  void shouldRefuseAUsernameWithoutAPasswordAndTheOtherWayRound() {
    assertTrue(refused(config(Map.of(), "host", "smtp.example.com", "username", "leakguard")).getMessage()
        .startsWith("channels.mail.password is required"));
    assertTrue(refused(config(Map.of("P", "x"), "host", "smtp.example.com", "passwordEnv", "P")).getMessage()
        .startsWith("channels.mail.username is required"));
  }

  @Test
  void shouldNameTheFieldOfEveryOtherMistake() {
    assertTrue(refused(config(Map.of(), "security", "none")).getMessage().startsWith("channels.mail.host"));
    assertTrue(refused(config(Map.of(), "host", "h.example.com", "security", "ssl")).getMessage()
        .startsWith("channels.mail.security: 'ssl' is not one of [starttls, tls, none]"));
    assertTrue(refused(config(Map.of(), "host", "h.example.com", "port", "0")).getMessage()
        .startsWith("channels.mail.port"));
    assertTrue(refused(config(Map.of(), "host", "h.example.com", "timeout", "ten")).getMessage()
        .startsWith("channels.mail.timeout"));
    assertTrue(refused(config(Map.of(), "host", "h.example.com", "from", "not an address")).getMessage()
        .startsWith("channels.mail.from"));
    assertTrue(refused(config(Map.of(), "host", "h.example.com", "from", "a@example.com, b@example.com"))
        .getMessage().startsWith("channels.mail.from"));
    assertTrue(refused(config(Map.of(), "host", "h.example.com", "trustStoreFile", "/nonexistent/ca.p12"))
        .getMessage().startsWith("channels.mail.trustStoreFile"));
    assertTrue(refused(config(Map.of(), "host", "h.example.com", "hots", "typo")).getMessage()
        .startsWith("channels.mail.hots is not a field"));
  }

  @Test
  void shouldBuildAnEmailChannelForTheTypeEmail() {
    // When
    Channel channel = ChannelFactory.create(config(Map.of(), "host", "smtp.example.com", "timeout", "250ms"),
        "email");

    // Then
    EmailChannel email = assertInstanceOf(EmailChannel.class, channel);
    assertEquals("mail", email.name());
    assertEquals("email", email.type());
    assertEquals("security-team@example.com", email.describe(new Recipient("mail", Recipient.SECURITY_TEAM,
        "security-team@example.com", null, "en")));
  }
}
