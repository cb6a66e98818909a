package io.leakguard.cloud;

import com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest;
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

/** RAM users and their AccessKeys, in the account the caller's credentials belong to. */
public final class RamGateway {

  /** A RAM user as LeakGuard needs it. */
  public record User(String userName, String displayName, String email) {}

  /** An AccessKey's metadata; RAM never returns a secret here. */
  public record AccessKey(String accessKeyId, String status, String createDate) {}

  /** A freshly created AccessKey: the only moment its secret is known. */
  public record NewAccessKey(String accessKeyId, Secret secret) {}

  /** The owner of an AccessKey found by walking users. */
  public record KeyOwner(User user, AccessKey key) {}

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
      response.getUsers().forEach(u -> users.add(new User(u.getUserName(), u.getDisplayName(), u.getEmail())));
      marker = Boolean.TRUE.equals(response.getIsTruncated()) ? response.getMarker() : null;
    } while (marker != null && !marker.isEmpty());
    return users;
  }

  public User getUser(String userName) throws CloudException {
    GetUserRequest request = new GetUserRequest();
    request.setUserName(userName);
    GetUserResponse.User u = caller.call(Product.RAM, request).getUser();
    return new User(u.getUserName(), u.getDisplayName(), u.getEmail());
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
}
