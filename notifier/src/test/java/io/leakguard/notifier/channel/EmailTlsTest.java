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
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The e-mail channel over TLS: implicit TLS against GreenMail's SMTPS, and STARTTLS through {@link FakeSmtpServer}
 * (GreenMail 2.1 offers no STARTTLS), both with a private CA given as {@code trustStoreFile} and a login.
 */
class EmailTlsTest {

  private static final String LOGIN = "leakguard";
  /** The published password of GreenMail's bundled test key store, not a secret. */
  private static final char[] GREENMAIL_STORE_PASSWORD = "changeit".toCharArray();
  private static TestTls tls;

  private GreenMail greenMail;
  private String password;
  private Map<String, String> env;

  @BeforeAll
  static void certificate() {
    tls = TestTls.get(); // before GreenMail's SMTPS loads its key store
  }

  @BeforeEach
  void startServer() {
    password = SyntheticKeys.random(20);
    env = Map.of("SMTP_PASSWORD", password, "CA_STORE_PASSWORD", tls.trustStorePassword);
    greenMail = MailFixtures.greenMail(ServerSetup.PROTOCOL_SMTP, ServerSetup.PROTOCOL_SMTPS);
    greenMail.setUser("leakguard@leakguard.local", LOGIN, password);
  }

  @AfterEach
  void stopServer() {
    greenMail.stop();
  }

  private EmailChannel channel(String security, int port, boolean trustPrivateCa) {
    ChannelConfig config = trustPrivateCa
        ? config(env, "host", "127.0.0.1", "port", Integer.toString(port), "security", security,
            "username", LOGIN, "passwordEnv", "SMTP_PASSWORD", "trustStoreFile", tls.trustStore.toString(),
            "trustStorePasswordEnv", "CA_STORE_PASSWORD")
        : config(env, "host", "127.0.0.1", "port", Integer.toString(port), "security", security,
            "username", LOGIN, "passwordEnv", "SMTP_PASSWORD");
    return (EmailChannel) ChannelFactory.create(config, "email");
  }

  @Test
  void shouldDeliverOverImplicitTlsToAServerOfThePrivateCa() throws Exception {
    // Given
    EmailChannel channel = channel("tls", greenMail.getSmtps().getPort(), true);

    // When
    String answer = channel.send(owner(ALICE), message("d-tls"));

    // Then
    assertTrue(answer.startsWith("250"), answer);
    assertEquals(1, greenMail.getReceivedMessages().length);
    assertEquals("<d-tls@leakguard>", greenMail.getReceivedMessages()[0].getMessageID());
    assertFalse(holdsSecret(raw(greenMail.getReceivedMessages()[0]), LOGIN, password));
  }

  @Test
  void shouldRefuseACertificateTheJvmDoesNotTrust() {
    // Given: no trustStoreFile, so the JVM's CAs, which never issued the test certificate
    EmailChannel channel = channel("tls", greenMail.getSmtps().getPort(), false);

    // When
    DeliveryException failure = assertThrows(DeliveryException.class,
        () -> channel.send(owner(ALICE), message("d-untrusted")));

    // Then
    assertFalse(failure.retryable(), failure.getMessage());
    assertTrue(failure.getMessage().contains("TLS handshake"), failure.getMessage());
    assertFalse(holdsSecret(printed(failure), LOGIN, password));
    assertEquals(0, greenMail.getReceivedMessages().length);
  }

  @Test
  void shouldRefuseATrustedCertificateThatNamesAnotherHost() throws Exception {
    // Given: a front with GreenMail's bundled certificate (issued to "GreenMail selfsigned Test Certificate", no
    // 127.0.0.1), and a trust store that trusts exactly that certificate
    KeyStore bundled = KeyStore.getInstance("PKCS12");
    try (InputStream in = GreenMail.class.getResourceAsStream("/greenmail.p12")) {
      bundled.load(in, GREENMAIL_STORE_PASSWORD);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(bundled, GREENMAIL_STORE_PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("greenmail", bundled.getCertificate(bundled.aliases().nextElement()));
    Path trustFile = Files.createTempFile("greenmail-trust", ".p12");
    try (OutputStream out = Files.newOutputStream(trustFile);
        FakeSmtpServer front = FakeSmtpServer.startTls(context, greenMail.getSmtp().getPort())) {
      trust.store(out, tls.trustStorePassword.toCharArray());
      out.close();
      EmailChannel channel = (EmailChannel) ChannelFactory.create(config(env, "host", "127.0.0.1", "port",
          Integer.toString(front.port()), "username", LOGIN, "passwordEnv", "SMTP_PASSWORD", "trustStoreFile",
          trustFile.toString(), "trustStorePasswordEnv", "CA_STORE_PASSWORD"), "email");

      // When
      DeliveryException failure = assertThrows(DeliveryException.class,
          () -> channel.send(owner(ALICE), message("d-wrong-name")));

      // Then: the certificate is trusted but not for this host, so nothing is sent
    assertFalse(failure.retryable(), failure.getMessage());
      assertEquals(0, greenMail.getReceivedMessages().length);
    } finally {
      Files.deleteIfExists(trustFile);
    }
  }

  @Test
  void shouldDeliverOverStartTlsAndLogInOnlyAfterTheUpgrade() throws Exception {
    try (FakeSmtpServer front = FakeSmtpServer.startTls(tls.serverContext(), greenMail.getSmtp().getPort())) {
      // Given: the front offers STARTTLS and relays the encrypted session to GreenMail, which checks the login
      EmailChannel channel = channel("starttls", front.port(), true);

      // When
      String answer = channel.send(owner(ALICE), message("d-starttls"));

      // Then
      assertTrue(answer.startsWith("250"), answer);
      assertEquals(1, greenMail.getReceivedMessages().length);
      assertEquals("<d-starttls@leakguard>", greenMail.getReceivedMessages()[0].getMessageID());
    }
  }

  @Test
  void shouldRefuseAServerThatDoesNotOfferStartTls() {
    // Given: GreenMail's plain SMTP port, which offers no STARTTLS
    EmailChannel channel = channel("starttls", greenMail.getSmtp().getPort(), true);

    // When
    DeliveryException failure = assertThrows(DeliveryException.class,
        () -> channel.send(owner(ALICE), message("d-no-starttls")));

    // Then: nothing sent, not even the login
    assertFalse(failure.retryable(), failure.getMessage());
    assertTrue(failure.getMessage().contains("STARTTLS"), failure.getMessage());
    assertFalse(holdsSecret(printed(failure), LOGIN, password));
    assertEquals(0, greenMail.getReceivedMessages().length);
  }
}
