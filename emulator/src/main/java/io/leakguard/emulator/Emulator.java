package io.leakguard.emulator;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local Alibaba Cloud (RAM, STS, KMS, ActionTrail, Security Center's AccessKey-leak calls) that the unmodified V1 SDK clients talk to over real
 * HTTP, plus an admin JSON API under {@code /admin/}.
 *
 * <pre>{@code
 * try (Emulator cloud = Emulator.builder().build().start()) {
 *     cloud.state().seedJson(fleetJson);
 *     request.setSysEndpoint(cloud.hostPort());
 *     request.setSysProtocol(ProtocolType.HTTP);
 * }
 * }</pre>
 */
public final class Emulator implements AutoCloseable {

    /** The password of the trust store {@link #writeTrustStore} writes: not a secret, the store holds a public cert. */
    public static final String TRUST_STORE_PASSWORD = "leakguard-emulator";

    private static final Logger LOG = LoggerFactory.getLogger(Emulator.class);

    static {
        // The JDK server writes response headers and body in separate packets; without TCP_NODELAY, Nagle's
        // algorithm meets the client's delayed ACK and every call waits ~40 ms. The property is read once,
        // when the JDK's server configuration class loads, so it must be set before the first server exists.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Builder config;
    private final CloudState state;
    private final Faults faults;
    private final AuditTrail trail = new AuditTrail();
    private HttpServer http;
    private HttpsServer https;
    private SelfSignedCertificate certificate;
    private ExecutorService executor;

    private Emulator(Builder config) {
        this.config = config;
        this.state = new CloudState(config.clock, config.region);
        this.faults = new Faults(config.clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts serving; returns this. */
    public Emulator start() throws IOException {
        RpcHandler rpc = new RpcHandler(state, faults, trail, List.of(
                new RamApi(state).product(),
                new ImsApi(state).product(),
                new StsApi(state).product(),
                new KmsApi(state).product(),
                new ActionTrailApi(state, trail).product(),
                new SasApi(state).product()));
        AdminHandler admin = new AdminHandler(this, config.adminToken, config.stateFile);
        executor = Executors.newFixedThreadPool(config.threads, new NamedThreads());

        http = HttpServer.create(new InetSocketAddress(config.bindAddress, config.port), 128);
        http.createContext("/", rpc);
        http.createContext("/admin/", admin);
        http.setExecutor(executor);
        if (config.https) {
            certificate = config.certificate != null ? config.certificate : SelfSignedCertificate.generate();
            SSLContext tls = certificate.serverContext();
            https = HttpsServer.create(new InetSocketAddress(config.bindAddress, config.httpsPort), 128);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            https.createContext("/", rpc);
            https.createContext("/admin/", admin);
            https.setExecutor(executor);
            https.start();
            if (config.trustStoreFile != null) {
                // Before the HTTP listener opens: a launcher that waits for HTTP finds the trust store in place.
                writeTrustStore(config.trustStoreFile);
            }
        }
        http.start();
        LOG.info("emulator serving on {}{}", endpoint(), https == null ? "" : " and " + httpsEndpoint());
        return this;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>} (the bind address when it is not a wildcard). */
    public String endpoint() {
        return "http://" + hostPort();
    }

    /** {@code 127.0.0.1:<port>}: what the SDK's {@code setSysEndpoint} wants (no scheme). */
    public String hostPort() {
        return host() + ":" + port();
    }

    public int httpsPort() {
        requireHttps();
        return https.getAddress().getPort();
    }

    public String httpsEndpoint() {
        return "https://" + httpsHostPort();
    }

    public String httpsHostPort() {
        requireHttps();
        return host() + ":" + httpsPort();
    }

    /** The self-signed certificate served over TLS (SAN IP:127.0.0.1, DNS:localhost), for a client's trust store. */
    public X509Certificate httpsCertificate() {
        requireHttps();
        return certificate.certificate();
    }

    /**
     * Writes the TLS certificate as a PKCS#12 trust store, for a client JVM that must trust the emulator through the
     * JDK's default trust ({@code -Djavax.net.ssl.trustStore}): credentials-java's OIDC provider calls STS over
     * HTTPS only, with the default trust and host name verification. The store holds the public certificate only;
     * its password {@value #TRUST_STORE_PASSWORD} protects nothing secret (PKCS#12 requires one for integrity).
     */
    public void writeTrustStore(Path file) throws IOException {
        writeTrustStore(httpsCertificate(), file);
    }

    /** Writes {@code certificate} as a PKCS#12 trust store (see {@link #writeTrustStore(Path)}). */
    public static void writeTrustStore(X509Certificate certificate, Path file) throws IOException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("leakguard-emulator", certificate);
            Path absolute = file.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            Path temp = Files.createTempFile(absolute.getParent(), ".truststore", ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(temp)) {
                    trust.store(out, TRUST_STORE_PASSWORD.toCharArray());
                }
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the emulator's trust store", e);
        }
    }

    public String adminToken() {
        return config.adminToken;
    }

    public CloudState state() {
        return state;
    }

    /** Fault injection and rate limits, changeable while running. */
    public Faults faults() {
        return faults;
    }

    AuditTrail trail() {
        return trail;
    }

    /** Writes the whole state (secrets included) to a file readable by its owner only. */
    public void saveState(Path file) throws IOException {
        StateFiles.save(state.export(), file);
    }

    /** Replaces the whole state by the one saved in a file. */
    public void loadState(Path file) throws IOException {
        state.restore(StateFiles.load(file));
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        if (https != null) {
            https.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private String host() {
        String bind = config.bindAddress;
        return bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
    }

    private void requireHttps() {
        if (https == null) {
            throw new IllegalStateException("HTTPS is not enabled: use Emulator.builder().https(true)");
        }
    }

    private static final class NamedThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "emulator-http-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    public static final class Builder {
        private int port;
        private String bindAddress = "127.0.0.1";
        private String adminToken = Ids.hex(32);
        private String region = "cn-hangzhou";
        private Clock clock = Clock.systemUTC();
        private boolean https;
        private SelfSignedCertificate certificate;
        private int httpsPort;
        private int threads = 8;
        private Path stateFile;
        private Path trustStoreFile;

        private Builder() {
        }

        /** The HTTP port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
            this.port = port;
            return this;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress);
            return this;
        }

        public Builder adminToken(String adminToken) {
            if (adminToken == null || adminToken.length() < 16) {
                throw new IllegalArgumentException("the admin token must have at least 16 characters");
            }
            this.adminToken = adminToken;
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        /** The clock for dates, Timestamp windows, token expiry and rate limits (tests move it forward). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Also serve TLS with a generated self-signed certificate. */
        public Builder https(boolean https) {
            this.https = https;
            return this;
        }

        /** Also serve TLS, with the given certificate (shared by the emulators of one test JVM). */
        public Builder https(SelfSignedCertificate certificate) {
            this.https = true;
            this.certificate = Objects.requireNonNull(certificate);
            return this;
        }

        /** The HTTPS port; 0 (the default) picks a free one. */
        public Builder httpsPort(int httpsPort) {
            if (httpsPort < 0 || httpsPort > 65535) {
                throw new IllegalArgumentException("httpsPort must be 0..65535");
            }
            this.httpsPort = httpsPort;
            return this;
        }

        /** Worker threads serving requests (default 8). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            this.threads = threads;
            return this;
        }

        /** The default file of the admin API's state save/load calls. */
        public Builder stateFile(Path stateFile) {
            this.stateFile = stateFile;
            return this;
        }

        /** With HTTPS: write the certificate as a PKCS#12 trust store there at start (see {@link #writeTrustStore}). */
        public Builder trustStoreFile(Path trustStoreFile) {
            this.trustStoreFile = trustStoreFile;
            return this;
        }

        public Emulator build() {
            return new Emulator(this);
        }
    }
}
