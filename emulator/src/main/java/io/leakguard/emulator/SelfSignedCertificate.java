package io.leakguard.emulator;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway self-signed TLS certificate for the emulator's HTTPS listener (SAN IP:127.0.0.1 and
 * DNS:localhost).
 *
 * <p>The JDK has no public API to create certificates, and the alternatives are a BouncyCastle dependency or
 * the internal sun.security.x509 classes. Running the JDK's own {@code keytool} once at start-up needs
 * neither; it writes a PKCS#12 store into a private temporary directory that is deleted as soon as the key
 * is loaded. The store password is random and lives only for that moment.
 *
 * <p>Public so that the emulators of one test JVM can share a certificate ({@link Emulator.Builder#https
 * (SelfSignedCertificate)}): HTTP clients that build their TLS context once per JVM then trust every one of them.
 */
public final class SelfSignedCertificate {

    private static final String ALIAS = "emulator";

    private final KeyStore keyStore;
    private final char[] password;

    private SelfSignedCertificate(KeyStore keyStore, char[] password) {
        this.keyStore = keyStore;
        this.password = password;
    }

    public static SelfSignedCertificate generate() throws IOException {
        Path dir = Files.createTempDirectory("leakguard-emulator-tls");
        Path store = dir.resolve("emulator.p12");
        String password = Ids.alphanumeric(24);
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        ProcessBuilder pb = new ProcessBuilder(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-validity", "3650", "-dname", "CN=LeakGuard emulator",
                "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
                "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", password, "-keypass", password)
                .redirectErrorStream(true);
        try {
            Process process = pb.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool could not generate the TLS certificate: " + output.trim());
            }
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, password.toCharArray());
            }
            return new SelfSignedCertificate(keyStore, password.toCharArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating the TLS certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IOException("the generated TLS key store cannot be read", e);
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
    }

    public X509Certificate certificate() {
        try {
            return (X509Certificate) keyStore.getCertificate(ALIAS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    SSLContext serverContext() throws IOException {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the TLS context", e);
        }
    }
}
