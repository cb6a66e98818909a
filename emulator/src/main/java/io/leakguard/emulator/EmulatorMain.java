package io.leakguard.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator as a process.
 *
 * <pre>
 * --port N               HTTP port (default 18080; 0 = any free port)
 * --bind ADDR            bind address (default 127.0.0.1)
 * --region R             region used in ARNs and events (default cn-hangzhou)
 * --fleet FILE           seed from a fleet JSON file at start
 * --state-file FILE      load at start if it exists, save on shutdown
 * --admin-token-file F   where to write a generated admin token (owner-only)
 * --https                also serve TLS with a generated self-signed certificate
 * --https-port N         HTTPS port (default 18443)
 * --https-trust-store F  with --https: write the certificate there as a PKCS#12 trust store (password
 *                        "leakguard-emulator", not a secret), for clients such as credentials-java's OIDC provider
 * </pre>
 * The admin token comes from the environment variable {@code LEAKGUARD_EMULATOR_ADMIN_TOKEN}; without it one
 * is generated, and only a notice (never the token) is printed.
 */
public final class EmulatorMain {

    static final String TOKEN_ENV = "LEAKGUARD_EMULATOR_ADMIN_TOKEN";

    /** Parsed command line. */
    record Options(int port, String bind, String region, Path fleet, Path stateFile, Path adminTokenFile,
                   boolean https, int httpsPort, Path trustStore) {
    }

    /** A command-line mistake: printed with the flag's name, exit status 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private EmulatorMain() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println("usage: emulator [--port N] [--bind ADDR] [--region R] [--fleet FILE] [--state-file FILE]"
                    + " [--admin-token-file FILE] [--https] [--https-port N] [--https-trust-store FILE]");
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void run(Options options) throws IOException {
        String token = System.getenv(TOKEN_ENV);
        boolean generated = token == null || token.isBlank();
        if (generated) {
            token = Ids.hex(32);
        }
        Emulator emulator = Emulator.builder()
                .port(options.port()).bindAddress(options.bind()).region(options.region())
                .adminToken(token).https(options.https()).httpsPort(options.httpsPort())
                .stateFile(options.stateFile()).trustStoreFile(options.trustStore())
                .build();
        if (options.stateFile() != null && Files.exists(options.stateFile())) {
            emulator.loadState(options.stateFile());
        }
        if (options.fleet() != null) {
            emulator.state().seed(StateFiles.load(options.fleet()));
        }
        if (generated) {
            if (options.adminTokenFile() != null) {
                writeOwnerOnly(options.adminTokenFile(), token);
                System.out.println("admin token generated (" + TOKEN_ENV + " not set) and written to "
                        + options.adminTokenFile());
            } else {
                System.out.println("admin token generated (" + TOKEN_ENV + " not set) and not written anywhere:"
                        + " set " + TOKEN_ENV + " or pass --admin-token-file to use the admin API");
            }
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            if (options.stateFile() != null) {
                try {
                    emulator.saveState(options.stateFile());
                    System.out.println("state saved to " + options.stateFile());
                } catch (IOException e) {
                    System.err.println("error: could not save state to " + options.stateFile() + ": " + e.getMessage());
                }
            }
            stopped.countDown();
        }, "emulator-shutdown"));

        emulator.start();
        System.out.println("emulator listening on " + emulator.endpoint());
        if (options.https()) {
            System.out.println("emulator listening on " + emulator.httpsEndpoint());
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Options parse(String[] args) throws UsageException {
        int port = 18080;
        String bind = "127.0.0.1";
        String region = "cn-hangzhou";
        Path fleet = null;
        Path stateFile = null;
        Path tokenFile = null;
        boolean https = false;
        int httpsPort = 18443;
        Path trustStore = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--https" -> https = true;
                case "--port" -> port = port(flag, value(args, ++i, flag));
                case "--https-port" -> httpsPort = port(flag, value(args, ++i, flag));
                case "--bind" -> bind = value(args, ++i, flag);
                case "--region" -> region = value(args, ++i, flag);
                case "--fleet" -> {
                    fleet = Path.of(value(args, ++i, flag));
                    if (!Files.isReadable(fleet)) {
                        throw new UsageException("--fleet: cannot read " + fleet);
                    }
                }
                case "--state-file" -> stateFile = Path.of(value(args, ++i, flag));
                case "--admin-token-file" -> tokenFile = Path.of(value(args, ++i, flag));
                case "--https-trust-store" -> trustStore = Path.of(value(args, ++i, flag));
                default -> throw new UsageException("unknown flag " + flag);
            }
        }
        if (trustStore != null && !https) {
            throw new UsageException("--https-trust-store needs --https");
        }
        return new Options(port, bind, region, fleet, stateFile, tokenFile, https, httpsPort, trustStore);
    }

    private static String value(String[] args, int index, String flag) throws UsageException {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new UsageException(flag + " needs a value");
        }
        return args[index];
    }

    private static int port(String flag, String value) throws UsageException {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " needs a port number 0..65535, got " + value);
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Files.deleteIfExists(absolute);
        try {
            Files.createFile(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(absolute);
        }
        Files.writeString(absolute, content + "\n", StandardCharsets.UTF_8);
    }
}
