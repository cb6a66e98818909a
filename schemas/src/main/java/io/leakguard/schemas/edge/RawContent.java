package io.leakguard.schemas.edge;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * Content to scan for credentials, as any outside system (log shipper, CI hook, paste monitor) writes it to the
 * raw-content topic: {@code {"source":"ci-logs","location":"build/123/log","content":"..."}}.
 *
 * @param source    free-form name of the system that sent the content
 * @param location  where the content comes from (path, URL); reported with each finding
 * @param content    the text to scan
 * @param reference the sender's own identifier, if any
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RawContent(String source, String location, String content, String reference) {

  public RawContent {
    if (content == null) {
      throw new IllegalArgumentException("raw content needs a 'content' field");
    }
    source = Objects.requireNonNullElse(source, "unknown");
    location = Objects.requireNonNullElse(location, "unknown");
  }

  /** Never print the content: it is, by definition, where secrets are. */
  @Override
  public String toString() {
    return "RawContent[source=" + source + ", location=" + location + ", " + content.length() + " chars]";
  }
}
