package io.leakguard.emulator;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command-line parsing of the emulator process. */
class EmulatorMainTest {

    @Test
    void shouldUseDocumentedDefaults() throws Exception {
        EmulatorMain.Options options = EmulatorMain.parse(new String[0]);

        assertEquals(18080, options.port());
        assertEquals("127.0.0.1", options.bind());
        assertFalse(options.https());
    }

    @Test
    void shouldReadEveryFlag() throws Exception {
        EmulatorMain.Options options = EmulatorMain.parse(new String[] {"--port", "0", "--bind", "0.0.0.0",
                "--state-file", "/tmp/s.json", "--admin-token-file", "/tmp/t", "--https", "--https-port", "9443"});

        assertEquals(0, options.port());
        assertEquals("0.0.0.0", options.bind());
        assertEquals(Path.of("/tmp/s.json"), options.stateFile());
        assertEquals(Path.of("/tmp/t"), options.adminTokenFile());
        assertTrue(options.https());
        assertEquals(9443, options.httpsPort());
    }

    @Test
    void shouldNameTheFlagInEveryUsageError() {
        assertTrue(message("--port", "http").contains("--port"));
        assertTrue(message("--port", "70000").contains("--port"));
        assertTrue(message("--port").contains("--port"));
        assertTrue(message("--fleet", "/no/such/fleet.json").contains("--fleet"));
        assertTrue(message("--colour").contains("--colour"));
    }

    private static String message(String... args) {
        return assertThrows(EmulatorMain.UsageException.class, () -> EmulatorMain.parse(args)).getMessage();
    }
}
