package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.CreateAccessKeyResponse;
import com.aliyuncs.ram.model.v20150501.DeleteAccessKeyRequest;
import com.aliyuncs.ram.model.v20150501.GetAccessKeyLastUsedRequest;
import com.aliyuncs.ram.model.v20150501.GetUserRequest;
import com.aliyuncs.ram.model.v20150501.GetUserResponse;
import com.aliyuncs.ram.model.v20150501.ListAccessKeysRequest;
import com.aliyuncs.ram.model.v20150501.ListAccessKeysResponse;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersResponse;
import com.aliyuncs.ram.model.v20150501.UpdateAccessKeyRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RAM users and AccessKeys through the real SDK: success paths and documented errors. */
class RamAccessKeyTest {

    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    @Test
    void shouldPageThroughUsersWithMarker() throws ClientException {
        // Given three users (alice, bob, carol)
        cloud.emulator.state().seed(new Fleet(List.of(new Fleet.AccountSeed(TestCloud.ACCOUNT, null, null,
                List.of(new Fleet.UserSeed("carol", List.of())), null, null, null))));

        // When listing two at a time
        List<String> names = new ArrayList<>();
        ListUsersRequest first = new ListUsersRequest();
        first.setMaxItems(2);
        ListUsersResponse page1 = cloud.call(cloud.root, first);
        page1.getUsers().forEach(u -> names.add(u.getUserName()));
        ListUsersRequest second = new ListUsersRequest();
        second.setMaxItems(2);
        second.setMarker(page1.getMarker());
        ListUsersResponse page2 = cloud.call(cloud.root, second);
        page2.getUsers().forEach(u -> names.add(u.getUserName()));

        // Then the pages join up and only the first is truncated
        assertTrue(page1.getIsTruncated());
        assertNotNull(page1.getMarker());
        assertFalse(page2.getIsTruncated());
        assertNull(page2.getMarker());
        assertEquals(List.of("alice", "bob", "carol"), names);
    }

    @Test
    void shouldReturnUserWithAllDocumentedFields() throws ClientException {
        // When
        GetUserRequest request = new GetUserRequest();
        request.setUserName("alice");
        GetUserResponse.User user = cloud.call(cloud.root, request).getUser();

        // Then
        assertEquals("alice", user.getUserName());
        assertEquals("Alice", user.getDisplayName());
        assertEquals("alice@example.com", user.getEmail());
        assertTrue(user.getUserId().matches("\\d{16}"));
        assertTrue(user.getCreateDate().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
    }

    @Test
    void shouldRefuseUnknownUserWithEntityNotExist() {
        GetUserRequest request = new GetUserRequest();
        request.setUserName("mallory");

        ClientException e = cloud.failure(cloud.root, request);

        assertEquals("EntityNotExist.User", e.getErrCode());
    }

    @Test
    void shouldListNamedUsersKeysWithoutSecrets() throws ClientException {
        ListAccessKeysRequest request = new ListAccessKeysRequest();
        request.setUserName("alice");

        ListAccessKeysResponse response = cloud.call(cloud.root, request);

        assertEquals(1, response.getAccessKeys().size());
        assertEquals(cloud.alice.id(), response.getAccessKeys().get(0).getAccessKeyId());
        assertEquals("Active", response.getAccessKeys().get(0).getStatus());
    }

    @Test
    void shouldListCallersOwnKeysWhenUserNameIsOmitted() throws ClientException {
        ListAccessKeysResponse asRoot = cloud.call(cloud.root, new ListAccessKeysRequest());
        ListAccessKeysResponse asAlice = cloud.call(cloud.alice, new ListAccessKeysRequest());

        assertEquals(cloud.root.id(), asRoot.getAccessKeys().get(0).getAccessKeyId());
        assertEquals(cloud.alice.id(), asAlice.getAccessKeys().get(0).getAccessKeyId());
    }

    @Test
    void shouldCreateWorkingKeyForUser() throws ClientException {
        // Given / When
        CreateAccessKeyRequest request = new CreateAccessKeyRequest();
        request.setUserName("alice");
        CreateAccessKeyResponse.AccessKey created = cloud.call(cloud.root, request).getAccessKey();

        // Then the new key has the documented shape and works at once
        assertTrue(created.getAccessKeyId().matches("LTAI[A-Za-z0-9]{20}"));
        assertTrue(created.getAccessKeySecret().matches("[A-Za-z0-9]{30}"));
        assertEquals("Active", created.getStatus());
        TestCloud.Key newKey = new TestCloud.Key(created.getAccessKeyId(), created.getAccessKeySecret());
        ListAccessKeysResponse keys = cloud.call(newKey, new ListAccessKeysRequest());
        assertEquals(2, keys.getAccessKeys().size());
    }

    @Test
    void shouldRefuseThirdKeyWithLimitExceeded() throws ClientException {
        // Given alice already has two keys
        CreateAccessKeyRequest second = new CreateAccessKeyRequest();
        second.setUserName("alice");
        cloud.call(cloud.root, second);

        // When
        CreateAccessKeyRequest third = new CreateAccessKeyRequest();
        third.setUserName("alice");
        ClientException e = cloud.failure(cloud.root, third);

        // Then
        assertEquals("LimitExceeded.User.AccessKey", e.getErrCode());
    }

    @Test
    void shouldRefuseKeyForUnknownUser() {
        CreateAccessKeyRequest request = new CreateAccessKeyRequest();
        request.setUserName("mallory");

        assertEquals("EntityNotExist.User", cloud.failure(cloud.root, request).getErrCode());
    }

    @Test
    void shouldRefuseDeletedKeyOnNextCall() throws ClientException {
        // Given bob's key works
        cloud.call(cloud.bob, new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest());

        // When root deletes it
        DeleteAccessKeyRequest delete = new DeleteAccessKeyRequest();
        delete.setUserName("bob");
        delete.setUserAccessKeyId(cloud.bob.id());
        cloud.call(cloud.root, delete);

        // Then bob's very next call is refused and the key is gone from the state
        ClientException e = cloud.failure(cloud.bob, new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest());
        assertEquals("InvalidAccessKeyId.NotFound", e.getErrCode());
        assertTrue(cloud.emulator.state().key(cloud.bob.id()).isEmpty());
    }

    @Test
    void shouldRefuseDeletingKeyTheUserDoesNotOwn() {
        DeleteAccessKeyRequest delete = new DeleteAccessKeyRequest();
        delete.setUserName("alice");
        delete.setUserAccessKeyId(cloud.bob.id());

        assertEquals("EntityNotExist.User.AccessKey", cloud.failure(cloud.root, delete).getErrCode());
    }

    @Test
    void shouldRefuseDisabledKeyAndAcceptItAgainWhenReactivated() throws ClientException {
        // Given bob's key is disabled
        UpdateAccessKeyRequest disable = new UpdateAccessKeyRequest();
        disable.setUserName("bob");
        disable.setUserAccessKeyId(cloud.bob.id());
        disable.setStatus("Inactive");
        cloud.call(cloud.root, disable);

        // When bob calls, then he is refused
        ClientException e = cloud.failure(cloud.bob, new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest());
        assertEquals("InvalidAccessKeyId.Inactive", e.getErrCode());
        assertEquals("Inactive", cloud.emulator.state().key(cloud.bob.id()).orElseThrow().status());

        // When the key is enabled again, then bob's calls work again
        UpdateAccessKeyRequest enable = new UpdateAccessKeyRequest();
        enable.setUserName("bob");
        enable.setUserAccessKeyId(cloud.bob.id());
        enable.setStatus("Active");
        cloud.call(cloud.root, enable);
        cloud.call(cloud.bob, new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest());
    }

    @Test
    void shouldRefuseInvalidStatus() {
        UpdateAccessKeyRequest request = new UpdateAccessKeyRequest();
        request.setUserName("bob");
        request.setUserAccessKeyId(cloud.bob.id());
        request.setStatus("Paused");

        assertEquals("InvalidParameter.Status", cloud.failure(cloud.root, request).getErrCode());
    }

    @Test
    void shouldRecordLastUseOfEveryAuthenticatedCall() throws ClientException {
        // Given bob's key was never used
        assertNull(cloud.emulator.state().key(cloud.bob.id()).orElseThrow().lastUsed());

        // When bob calls once
        cloud.call(cloud.bob, new com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest());

        // Then RAM reports when
        GetAccessKeyLastUsedRequest request = new GetAccessKeyLastUsedRequest();
        request.setUserName("bob");
        request.setUserAccessKeyId(cloud.bob.id());
        String lastUsed = cloud.call(cloud.root, request).getAccessKeyLastUsed().getLastUsedDate();
        assertNotNull(lastUsed);
        assertEquals(cloud.emulator.state().key(cloud.bob.id()).orElseThrow().lastUsed(), lastUsed);
    }
}
