package io.leakguard.schemas;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The words of a closed set as policy files write them, and as the string fields of older schema versions hold them:
 * the enum constant in lower case with '-' for '_' ({@code DRY_RUN} is {@code dry-run}).
 */
public final class EnumWords {

  private EnumWords() {}

  /** The word of a constant: {@code REPLACE_FIRST} is {@code replace-first}. */
  public static String word(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The constant whose word is exactly {@code word}, or empty: no other spelling is accepted. */
  public static <E extends Enum<E>> Optional<E> parse(Class<E> type, String word) {
    for (E value : type.getEnumConstants()) {
      if (word(value).equals(word)) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** The words of some constants, sorted, for an error message that lists the allowed values. */
  public static String words(Collection<? extends Enum<?>> values) {
    TreeSet<String> words = new TreeSet<>();
    values.forEach(v -> words.add(word(v)));
    return words.toString();
  }
}
