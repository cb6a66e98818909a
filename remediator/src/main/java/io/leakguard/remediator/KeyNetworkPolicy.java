package io.leakguard.remediator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * The AccessKey network access restriction policy that network containment sets, in IMS's format:
 * {@code {"Version":1,"Status":"Active","Statements":[{"Type":"ClassicWhiteList","IPList":[...]}]}}.
 * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-setaccesskeypolicy
 */
final class KeyNetworkPolicy {

  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyNetworkPolicy() {}

  /**
   * An Active policy allowing only {@code addresses} over the public network. The VPC statements of the key's
   * previous policy, when it was Active, are kept: they are paths its owner already allowed, and ActionTrail's
   * addresses do not say which VPC a call came through.
   */
  static String allowOnly(List<String> addresses, String previous) {
    ObjectNode policy = JSON.createObjectNode();
    policy.put("Version", 1);
    policy.put("Status", "Active");
    ArrayNode statements = policy.putArray("Statements");
    ObjectNode classic = statements.addObject();
    classic.put("Type", "ClassicWhiteList");
    ArrayNode list = classic.putArray("IPList");
    addresses.forEach(list::add);
    JsonNode before = parse(previous);
    if ("Active".equals(before.path("Status").asText())) {
      for (JsonNode statement : before.path("Statements")) {
        if ("VPCWhiteList".equals(statement.path("Type").asText())) {
          statements.add(statement);
        }
      }
    }
    return policy.toString();
  }

  private static JsonNode parse(String policy) {
    if (policy == null) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(policy);
      return node == null ? JSON.createObjectNode() : node;
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
