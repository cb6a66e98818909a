package io.leakguard.remediator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A role as it was before LeakGuard changed it: what it takes to recreate it and re-attach its policies. It is kept
 * as JSON in a KMS Generic secret per role ({@link #secretName}), one version per incident, written before anything
 * changes, so a resumed run finds the exact record (and a person can read it in KMS). {@code leakguard restore} does
 * not read it: it takes the detached policies from the incident's outcome on {@code remediation.outcomes}.
 */
record RoleRecord(String roleId, String roleName, String trustPolicy, String description, long maxSessionDuration,
    List<String> policies) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The KMS secret where the record of a role is kept. */
  static String secretName(String accountId, String roleName) {
    return "leakguard/" + accountId + "/roles/" + roleName;
  }

  String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("roleId", roleId).put("roleName", roleName).put("trustPolicy", trustPolicy)
        .put("description", description).put("maxSessionDuration", maxSessionDuration);
    policies.forEach(node.putArray("policies")::add);
    if (policies.isEmpty()) {
      node.putArray("policies");
    }
    return node.toString();
  }

  static RoleRecord parse(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      List<String> policies = new ArrayList<>();
      node.path("policies").forEach(p -> policies.add(p.asText()));
      return new RoleRecord(node.path("roleId").asText(), node.path("roleName").asText(),
          node.path("trustPolicy").asText(), node.path("description").isNull() ? null
          : node.path("description").asText(null), node.path("maxSessionDuration").asLong(3600),
          List.copyOf(policies));
    } catch (IOException e) {
      throw new IllegalStateException("the role record is not JSON", e);
    }
  }
}
