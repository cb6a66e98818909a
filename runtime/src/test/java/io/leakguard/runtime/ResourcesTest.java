package io.leakguard.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {

  private record Named(String name, List<String> closed) implements AutoCloseable {
    @Override
    public void close() {
      closed.add(name);
    }
  }

  @Test
  void shouldFindWhatWasOpenedByTypeOldestFirstAndCloseInReverse() {
    // Given three resources, two of one type
    List<String> closed = new ArrayList<>();
    Resources resources = new Resources();
    Named first = resources.register(new Named("first", closed));
    resources.register(() -> closed.add("other"));
    Named last = resources.register(new Named("last", closed));

    // When they are looked up by type, then closed
    List<Named> found = resources.all(Named.class);
    resources.close();

    // Then the lookup gives that type's, oldest first, and closing goes newest first
    assertEquals(List.of(first, last), found);
    assertEquals(List.of("last", "other", "first"), closed);
    assertEquals(List.of(), resources.all(Named.class));
  }
}
