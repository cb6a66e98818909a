package io.leakguard.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.cloud.RamGateway.GroupMembership;
import io.leakguard.cloud.RamGateway.PolicyAttachment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of a RAM user's policies make it admin-level: able to do anything, or to grant itself anything. A leaked key of
 * such a user is the worst kind, so its incident is taken first under a storm.
 *
 * <p>Admin-level are the system policies {@code AdministratorAccess} and {@code AliyunRAMFullAccess} (RAM's full access
 * lets the user attach any policy to itself), and a custom policy with an Allow statement whose Action is {@code *} or
 * {@code ram:*} on Resource {@code *} (conditions are not weighed: a condition an attacker can meet is no limit).
 * Both count whether attached to the user or to a group it is in, since a group's policies are its members'
 * (AttachPolicyToGroup, https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-attachpolicytogroup). The RAM calls are
 * ListPoliciesForUser, ListGroupsForUser, ListPoliciesForGroup and, for each custom policy, GetPolicy.
 */
public final class AdminPolicies {

  static final Set<String> ADMIN_SYSTEM_POLICIES = Set.of("administratoraccess", "aliyunramfullaccess");
  private static final Set<String> ADMIN_ACTIONS = Set.of("*", "ram:*");
  private static final ObjectMapper JSON = new ObjectMapper();

  private AdminPolicies() {}

  /**
   * The user's admin-level policies, each {@code Type:Name}, or {@code Type:Name via group G} when a group gives it;
   * empty for a user with none. A refused or failed read is thrown: the answer would be a guess.
   */
  public static List<String> of(RamGateway ram, String userName) throws CloudException {
    Map<String, Boolean> custom = new HashMap<>();
    List<String> found = new ArrayList<>();
    for (PolicyAttachment policy : ram.listPoliciesForUser(userName)) {
      if (adminLevel(ram, policy, custom)) {
        found.add(policy.toString());
      }
    }
    for (GroupMembership group : ram.listGroupsForUser(userName)) {
      for (PolicyAttachment policy : ram.listPoliciesForGroup(group.groupName())) {
        if (adminLevel(ram, policy, custom)) {
          found.add(policy + " via group " + group.groupName());
        }
      }
    }
    return List.copyOf(found);
  }

  private static boolean adminLevel(RamGateway ram, PolicyAttachment policy, Map<String, Boolean> custom)
      throws CloudException {
    if ("System".equals(policy.policyType())) {
      return ADMIN_SYSTEM_POLICIES.contains(policy.policyName().toLowerCase(java.util.Locale.ROOT));
    }
    Boolean known = custom.get(policy.policyName());
    if (known == null) {
      known = grantsEverything(ram.policyDocument(policy));
      custom.put(policy.policyName(), known);
    }
    return known;
  }

  /** True when a policy document has an Allow statement for {@code *} or {@code ram:*} on every resource. */
  public static boolean grantsEverything(String document) {
    JsonNode root;
    try {
      root = JSON.readTree(document == null ? "" : document);
    } catch (IOException e) {
      return false;
    }
    if (root == null) {
      return false;
    }
    JsonNode statements = root.path("Statement");
    for (JsonNode statement : statements.isArray() ? statements : List.of(statements)) {
      if ("Allow".equals(statement.path("Effect").asText())
          && anyOf(statement.path("Action"), ADMIN_ACTIONS) && anyOf(statement.path("Resource"), Set.of("*"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyOf(JsonNode value, Set<String> wanted) {
    if (value.isTextual()) {
      return wanted.contains(value.asText().toLowerCase(java.util.Locale.ROOT));
    }
    for (JsonNode item : value) {
      if (item.isTextual() && wanted.contains(item.asText().toLowerCase(java.util.Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
