package io.leakguard.schemas;

import io.leakguard.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Releases the current schemas: for each record whose current schema differs from its latest released version,
 * writes the next {@code v<N>.avsc} under {@code src/main/resources/io/leakguard/schemas/released/}. Run from the
 * schemas module directory before a release:
 * {@code mvn -q test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.leakguard.schemas.ReleaseSchemas}
 * or from an IDE. Released files are never edited afterwards.
 */
public final class ReleaseSchemas {

  private ReleaseSchemas() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "src/main/resources/io/leakguard/schemas/released");
    for (Schema current : SchemaRegistryOfRecords.CURRENT) {
      List<Schema> released = AvroSerde.releasedSchemas(current.getName());
      Path dir = root.resolve(current.getName());
      Files.createDirectories(dir);
      long known = released.isEmpty() ? 0 : SchemaNormalization.parsingFingerprint64(released.get(released.size() - 1));
      if (released.isEmpty() || known != SchemaNormalization.parsingFingerprint64(current)) {
        Path file = dir.resolve("v" + (released.size() + 1) + ".avsc");
        Files.writeString(file, current.toString(true) + "\n");
        System.out.println("released " + file);
      }
    }
  }
}
