package io.leakguard.emulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Reading and writing fleet/state files. A state file holds secrets, so it is written owner-only. */
final class StateFiles {

    private StateFiles() {
    }

    static Fleet load(Path file) throws IOException {
        return Fleet.parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Writes to a temporary file beside the target, then moves it into place, so a crash never leaves half a file. */
    static void save(Fleet fleet, Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: the platform's default permissions apply.
            }
            Files.writeString(tmp, fleet.toJson(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
