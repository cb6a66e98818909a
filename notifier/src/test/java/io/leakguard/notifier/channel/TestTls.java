package io.leakguard.notifier.channel;

import io.leakguard.testkit.SyntheticKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throwaway server certificate for the TLS tests, issued for {@code IP:127.0.0.1} and {@code DNS:localhost}: the
 * e-mail channel checks that the certificate names the host, which GreenMail's bundled certificate (issued to
 * "GreenMail selfsigned Test Certificate") does not. Made once per JVM with the JDK's keytool, because GreenMail reads
 * its key store once per JVM ({@code greenmail.tls.keystore.file}). Also written as a PKCS#12 trust store holding only
 * the certificate, for the channel's {@code trustStoreFile}. Both passwords are generated.
 */
final class TestTls {

  private static TestTls instance;

  final Path keyStore;
  final String keyStorePassword;
  final Path trustStore;
  final String trustStorePassword;

  private TestTls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {
    this.keyStore = keyStore;
    this.keyStorePassword = keyStorePassword;
    this.trustStore = trustStore;
    this.trustStorePassword = trustStorePassword;
  }

  /** The JVM's test certificate; the first call also makes GreenMail's SMTPS use it. */
  static synchronized TestTls get() {
    if (instance == null) {
      instance = generate();
      System.setProperty("greenmail.tls.keystore.file", instance.keyStore.toString());
      System.setProperty("greenmail.tls.keystore.password", instance.keyStorePassword);
      System.setProperty("greenmail.tls.key.password", instance.keyStorePassword);
    }
    return instance;
  }

  SSLContext serverContext() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, keyStorePassword.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, keyStorePassword.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static TestTls generate() {
    try {
      Path dir = Files.createTempDirectory("leakguard-mail-tls");
      dir.toFile().deleteOnExit();
      Path keyStore = dir.resolve("server.p12");
      String password = SyntheticKeys.random(20);
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-noprompt", "-alias", "server",
          "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30", "-dname", "CN=LeakGuard mail test",
          "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
          "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool failed: " + output);
      }
      keyStore.toFile().deleteOnExit();
      KeyStore server = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        server.load(in, password.toCharArray());
      }
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("leakguard-mail-test", server.getCertificate("server"));
      Path trustStore = dir.resolve("trust.p12");
      String trustPassword = SyntheticKeys.random(20);
      try (OutputStream out = Files.newOutputStream(trustStore)) {
        trust.store(out, trustPassword.toCharArray());
      }
      trustStore.toFile().deleteOnExit();
      return new TestTls(keyStore, password, trustStore, trustPassword);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
