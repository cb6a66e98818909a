package io.leakguard.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The JSON body of a {@link com.aliyuncs.CommonRequest}'s answer, for the products without V1 request classes. */
final class RpcJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private RpcJson() {}

  static JsonNode parse(String body, String action) throws CloudException {
    try {
      return JSON.readTree(body == null ? "{}" : body);
    } catch (IOException e) {
      throw new CloudException(CloudErrorClass.FATAL, "LeakGuard.BadResponse",
          action + " answered with a body that is not JSON", null, e);
    }
  }

  /** A member as text, or null when it is absent or null. */
  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? null : value.asText();
  }
}
