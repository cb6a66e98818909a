package io.leakguard.cloud;

import com.aliyuncs.CommonRequest;
import com.aliyuncs.ram.model.v20150501.AttachPolicyToRoleRequest;
import com.aliyuncs.ram.model.v20150501.CreatePolicyRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.CreateRoleRequest;
import com.aliyuncs.ram.model.v20150501.DeleteRoleRequest;
import com.aliyuncs.ram.model.v20150501.DeleteLoginProfileRequest;
import com.aliyuncs.ram.model.v20150501.DetachPolicyFromRoleRequest;
import com.aliyuncs.ram.model.v20150501.DetachPolicyFromUserRequest;
import com.aliyuncs.ram.model.v20150501.DetachPolicyFromGroupRequest;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForUserRequest;
import com.aliyuncs.ram.model.v20150501.GetPolicyRequest;
import com.aliyuncs.ram.model.v20150501.ListGroupsForUserRequest;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForGroupRequest;
import com.aliyuncs.ram.model.v20150501.GetRoleRequest;
import com.aliyuncs.ram.model.v20150501.GetRoleResponse;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForRoleRequest;
import com.aliyuncs.ram.model.v20150501.ListRolesRequest;
import com.aliyuncs.ram.model.v20150501.ListRolesResponse;
import com.aliyuncs.ram.model.v20150501.UpdateAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyResponse;
import com.aliyuncs.ram.model.v20150501.DeleteAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.GetUserRequest;
import com.aliyuncs.ram.model.v20150501.GetUserResponse;
import com.aliyuncs.ram.model.v20150501.ListAccessKeysRequest;
import com.aliyuncs.ram.model.v20150501.ListAccessKeysResponse;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** RAM users, their AccessKeys, roles and role policies, in the account the caller's credentials act in. */
public final class RamGateway {

  /** A RAM user as LeakGuard needs it. */
  /** A RAM user as RAM describes it; {@code mobilePhone} as RAM writes it ({@code 86-18600008888}), may be null. */
  public record User(String userName, String displayName, String email, String mobilePhone) {
    /** RAM answers an empty string for an unset e-mail or phone: null here. */
    public User {
      email = email == null || email.isBlank() ? null : email;
      mobilePhone = mobilePhone == null || mobilePhone.isBlank() ? null : mobilePhone;
    }
  }

  /** An AccessKey's metadata; RAM never returns a secret here. */
  public record AccessKey(String accessKeyId, String status, String createDate) {}

  /** A freshly created AccessKey: the only moment its secret is known. */
  public record NewAccessKey(String accessKeyId, Secret secret) {}

  /** The owner of an AccessKey found by walking users. */
  public record KeyOwner(User user, AccessKey key) {}

  /** A RAM role with what it takes to recreate it identically. */
  public record Role(String roleId, String roleName, String arn, String description, String trustPolicy,
      long maxSessionDuration) {}

  /** A RAM user group a user is in, and when it joined. */
  public record GroupMembership(String groupName, String groupId, String joinDate) {}

  /** A policy attached to a user, group or role. */
  public record PolicyAttachment(String policyType, String policyName) {
    @Override
    public String toString() {
      return policyType + ":" + policyName;
    }
  }

  /** IMS's central endpoint (AccessKey network access restriction policies). */
  public static final String IMS_ENDPOINT = "ims.aliyuncs.com";
  /** What GetAccessKeyPolicy answers for a key that never had a policy: disabled, no statements. */
  public static final String NO_ACCESS_KEY_POLICY = "{\"Version\":1,\"Status\":\"Inactive\",\"Statements\":[]}";
  private static final int PAGE = 100;
  private final CloudCaller caller;

  public RamGateway(CloudCaller caller) {
    this.caller = caller;
  }

  /** Every RAM user, following {@code Marker} paging. */
  public List<User> listUsers() throws CloudException {
    List<User> users = new ArrayList<>();
    String marker = null;
    do {
      ListUsersRequest request = new ListUsersRequest();
      request.setMaxItems(PAGE);
      if (marker != null) {
        request.setMarker(marker);
      }
      ListUsersResponse response = caller.call(Product.RAM, request);
      response.getUsers().forEach(u -> users.add(new User(u.getUserName(), u.getDisplayName(), u.getEmail(),
          u.getMobilePhone())));
      marker = Boolean.TRUE.equals(response.getIsTruncated()) ? response.getMarker() : null;
    } while (marker != null && !marker.isEmpty());
    return users;
  }

  public User getUser(String userName) throws CloudException {
    GetUserRequest request = new GetUserRequest();
    request.setUserName(userName);
    GetUserResponse.User u = caller.call(Product.RAM, request).getUser();
    return new User(u.getUserName(), u.getDisplayName(), u.getEmail(), u.getMobilePhone());
  }

  public List<AccessKey> listAccessKeys(String userName) throws CloudException {
    ListAccessKeysRequest request = new ListAccessKeysRequest();
    request.setUserName(userName);
    ListAccessKeysResponse response = caller.call(Product.RAM, request);
    return response.getAccessKeys().stream()
        .map(k -> new AccessKey(k.getAccessKeyId(), k.getStatus(), k.getCreateDate()))
        .toList();
  }

  /** Finds the RAM user owning an AccessKey: ListUsers, then ListAccessKeys per user. */
  public Optional<KeyOwner> findOwner(String accessKeyId) throws CloudException {
    for (User user : listUsers()) {
      for (AccessKey key : listAccessKeys(user.userName())) {
        if (key.accessKeyId().equals(accessKeyId)) {
          return Optional.of(new KeyOwner(user, key));
        }
      }
    }
    return Optional.empty();
  }

  public NewAccessKey createAccessKey(String userName) throws CloudException {
    CreateAccessKeyRequest request = new CreateAccessKeyRequest();
    request.setUserName(userName);
    CreateAccessKeyResponse.AccessKey key = caller.call(Product.RAM, request).getAccessKey();
    return new NewAccessKey(key.getAccessKeyId(), new Secret(key.getAccessKeySecret()));
  }

  public void deleteAccessKey(String userName, String accessKeyId) throws CloudException {
    DeleteAccessKeyRequest request = new DeleteAccessKeyRequest();
    request.setUserName(userName);
    request.setUserAccessKeyId(accessKeyId);
    caller.call(Product.RAM, request);
  }

  /** Active or Inactive. Disabling is reversible containment, never a remediation by itself. */
  public void updateAccessKey(String userName, String accessKeyId, String status) throws CloudException {
    UpdateAccessKeyRequest request = new UpdateAccessKeyRequest();
    request.setUserName(userName);
    request.setUserAccessKeyId(accessKeyId);
    request.setStatus(status);
    caller.call(Product.RAM, request);
  }

  /** Every role, following {@code Marker} paging. */
  public List<Role> listRoles() throws CloudException {
    List<Role> roles = new ArrayList<>();
    String marker = null;
    do {
      ListRolesRequest request = new ListRolesRequest();
      request.setMaxItems(PAGE);
      if (marker != null) {
        request.setMarker(marker);
      }
      ListRolesResponse response = caller.call(Product.RAM, request);
      response.getRoles().forEach(r -> roles.add(new Role(r.getRoleId(), r.getRoleName(), r.getArn(),
          r.getDescription(), null, r.getMaxSessionDuration() == null ? 3600 : r.getMaxSessionDuration())));
      marker = Boolean.TRUE.equals(response.getIsTruncated()) ? response.getMarker() : null;
    } while (marker != null && !marker.isEmpty());
    return roles;
  }

  public Role getRole(String roleName) throws CloudException {
    GetRoleRequest request = new GetRoleRequest();
    request.setRoleName(roleName);
    GetRoleResponse.Role r = caller.call(Product.RAM, request).getRole();
    return new Role(r.getRoleId(), r.getRoleName(), r.getArn(), r.getDescription(), r.getAssumeRolePolicyDocument(),
        r.getMaxSessionDuration() == null ? 3600 : r.getMaxSessionDuration());
  }

  /** Creates a role with the given trust policy and settings; returns it with its new RoleId. */
  public Role createRole(String roleName, String trustPolicy, String description, long maxSessionDuration)
      throws CloudException {
    CreateRoleRequest request = new CreateRoleRequest();
    request.setRoleName(roleName);
    request.setAssumeRolePolicyDocument(trustPolicy);
    request.setDescription(description);
    request.setMaxSessionDuration(maxSessionDuration);
    var r = caller.call(Product.RAM, request).getRole();
    return new Role(r.getRoleId(), r.getRoleName(), r.getArn(), r.getDescription(), r.getAssumeRolePolicyDocument(),
        r.getMaxSessionDuration() == null ? maxSessionDuration : r.getMaxSessionDuration());
  }

  /** Deletes a role; RAM refuses while policies are attached ({@code DeleteConflict.Role.Policy}). */
  public void deleteRole(String roleName) throws CloudException {
    DeleteRoleRequest request = new DeleteRoleRequest();
    request.setRoleName(roleName);
    caller.call(Product.RAM, request);
  }

  public List<PolicyAttachment> listPoliciesForRole(String roleName) throws CloudException {
    ListPoliciesForRoleRequest request = new ListPoliciesForRoleRequest();
    request.setRoleName(roleName);
    return caller.call(Product.RAM, request).getPolicies().stream()
        .map(p -> new PolicyAttachment(p.getPolicyType(), p.getPolicyName()))
        .toList();
  }

  public void attachPolicyToRole(String roleName, PolicyAttachment policy) throws CloudException {
    AttachPolicyToRoleRequest request = new AttachPolicyToRoleRequest();
    request.setRoleName(roleName);
    request.setPolicyType(policy.policyType());
    request.setPolicyName(policy.policyName());
    caller.call(Product.RAM, request);
  }

  public void detachPolicyFromRole(String roleName, PolicyAttachment policy) throws CloudException {
    DetachPolicyFromRoleRequest request = new DetachPolicyFromRoleRequest();
    request.setRoleName(roleName);
    request.setPolicyType(policy.policyType());
    request.setPolicyName(policy.policyName());
    caller.call(Product.RAM, request);
  }

  public List<PolicyAttachment> listPoliciesForUser(String userName) throws CloudException {
    ListPoliciesForUserRequest request = new ListPoliciesForUserRequest();
    request.setUserName(userName);
    return caller.call(Product.RAM, request).getPolicies().stream()
        .map(p -> new PolicyAttachment(p.getPolicyType(), p.getPolicyName()))
        .toList();
  }

  /** The groups a user is in (RAM ListGroupsForUser; not paginated). */
  public List<GroupMembership> listGroupsForUser(String userName) throws CloudException {
    ListGroupsForUserRequest request = new ListGroupsForUserRequest();
    request.setUserName(userName);
    return caller.call(Product.RAM, request).getGroups().stream()
        .map(g -> new GroupMembership(g.getGroupName(), g.getGroupId(), g.getJoinDate()))
        .toList();
  }

  /** The policies attached to a group; its members have them. */
  public List<PolicyAttachment> listPoliciesForGroup(String groupName) throws CloudException {
    ListPoliciesForGroupRequest request = new ListPoliciesForGroupRequest();
    request.setGroupName(groupName);
    return caller.call(Product.RAM, request).getPolicies().stream()
        .map(p -> new PolicyAttachment(p.getPolicyType(), p.getPolicyName()))
        .toList();
  }

  public void detachPolicyFromGroup(String groupName, PolicyAttachment policy) throws CloudException {
    DetachPolicyFromGroupRequest request = new DetachPolicyFromGroupRequest();
    request.setGroupName(groupName);
    request.setPolicyType(policy.policyType());
    request.setPolicyName(policy.policyName());
    caller.call(Product.RAM, request);
  }

  /** A policy's default version's document, the JSON text RAM keeps (GetPolicy). */
  public String policyDocument(PolicyAttachment policy) throws CloudException {
    GetPolicyRequest request = new GetPolicyRequest();
    request.setPolicyType(policy.policyType());
    request.setPolicyName(policy.policyName());
    var answer = caller.call(Product.RAM, request);
    return answer.getDefaultPolicyVersion() != null && answer.getDefaultPolicyVersion().getPolicyDocument() != null
        ? answer.getDefaultPolicyVersion().getPolicyDocument() : answer.getPolicy().getPolicyDocument();
  }

  public void detachPolicyFromUser(String userName, PolicyAttachment policy) throws CloudException {
    DetachPolicyFromUserRequest request = new DetachPolicyFromUserRequest();
    request.setUserName(userName);
    request.setPolicyType(policy.policyType());
    request.setPolicyName(policy.policyName());
    caller.call(Product.RAM, request);
  }

  /** Removes a user's console login (its password); {@code EntityNotExist.User.LoginProfile} when there is none. */
  public void deleteLoginProfile(String userName) throws CloudException {
    DeleteLoginProfileRequest request = new DeleteLoginProfileRequest();
    request.setUserName(userName);
    caller.call(Product.RAM, request);
  }

  /** Creates a custom policy; {@code EntityAlreadyExists.Policy} when the account has one of that name. */
  public void createPolicy(String policyName, String document, String description) throws CloudException {
    CreatePolicyRequest request = new CreatePolicyRequest();
    request.setPolicyName(policyName);
    request.setPolicyDocument(document);
    request.setDescription(description);
    caller.call(Product.RAM, request);
  }

  /**
   * A key's network access restriction policy (IMS GetAccessKeyPolicy), as the JSON string IMS answers;
   * {@link #NO_ACCESS_KEY_POLICY} for a key that never had one.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-getaccesskeypolicy
   *
   * @param accountId the account the user is in: the logon name is {@code user@<account>.onaliyun.com}
   */
  public String accessKeyPolicy(String accountId, String userName, String accessKeyId) throws CloudException {
    CommonRequest request = imsRequest("GetAccessKeyPolicy", accountId, userName, accessKeyId);
    String policy = RpcJson.text(RpcJson.parse(caller.call(Product.IMS, request, IMS_ENDPOINT), "GetAccessKeyPolicy"),
        "AccessKeyPolicy");
    return policy == null || policy.isBlank() ? NO_ACCESS_KEY_POLICY : policy;
  }

  /**
   * Sets a key's network access restriction policy (IMS SetAccessKeyPolicy): an Active policy lets the key call
   * Alibaba Cloud only from the addresses it names; STS tokens are not subject to it.
   * https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-setaccesskeypolicy
   */
  public void setAccessKeyPolicy(String accountId, String userName, String accessKeyId, String policy)
      throws CloudException {
    CommonRequest request = imsRequest("SetAccessKeyPolicy", accountId, userName, accessKeyId);
    request.putQueryParameter("AccessKeyPolicy", policy);
    caller.call(Product.IMS, request, IMS_ENDPOINT);
  }

  private static CommonRequest imsRequest(String action, String accountId, String userName, String accessKeyId) {
    CommonRequest request = new CommonRequest();
    request.setSysAction(action);
    request.putQueryParameter("UserPrincipalName", userName + "@" + accountId + ".onaliyun.com");
    request.putQueryParameter("UserAccessKeyId", accessKeyId);
    return request;
  }
}
