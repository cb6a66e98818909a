package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.ram.model.v20150501.AddUserToGroupRequest;
import com.aliyuncs.ram.model.v20150501.AttachPolicyToGroupRequest;
import com.aliyuncs.ram.model.v20150501.CreateGroupRequest;
import com.aliyuncs.ram.model.v20150501.CreateGroupResponse;
import com.aliyuncs.ram.model.v20150501.DetachPolicyFromGroupRequest;
import com.aliyuncs.ram.model.v20150501.GetPolicyRequest;
import com.aliyuncs.ram.model.v20150501.ListGroupsForUserRequest;
import com.aliyuncs.ram.model.v20150501.ListGroupsForUserResponse;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForGroupRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.ram.model.v20150501.RemoveUserFromGroupRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RAM user groups through the real SDK: membership, a group's policies applying to its members, the documented
 * response shapes (https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-listgroupsforuser)
 * and the state file keeping them.
 */
class RamGroupTest {

    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private CreateGroupResponse.Group createGroup(String name) throws ClientException {
        CreateGroupRequest request = new CreateGroupRequest();
        request.setGroupName(name);
        request.setComments("operators");
        return cloud.call(cloud.root, request).getGroup();
    }

    private AddUserToGroupRequest add(String user, String group) {
        AddUserToGroupRequest request = new AddUserToGroupRequest();
        request.setUserName(user);
        request.setGroupName(group);
        return request;
    }

    private AttachPolicyToGroupRequest attach(String group, String policy) {
        AttachPolicyToGroupRequest request = new AttachPolicyToGroupRequest();
        request.setGroupName(group);
        request.setPolicyType("System");
        request.setPolicyName(policy);
        return request;
    }

    private List<ListGroupsForUserResponse.Group> groupsOf(String user) throws ClientException {
        ListGroupsForUserRequest request = new ListGroupsForUserRequest();
        request.setUserName(user);
        return cloud.call(cloud.root, request).getGroups();
    }

    @Test
    void shouldGiveMembersTheGroupsPoliciesUntilDetachedOrRemoved() throws ClientException {
        // Given
        CreateGroupResponse.Group created = createGroup("Ops");
        cloud.call(cloud.root, attach("Ops", "AliyunRAMReadOnlyAccess"));
        String before = cloud.failure(cloud.bob, new ListUsersRequest()).getErrCode();

        // When
        cloud.call(cloud.root, add("bob", "Ops"));

        // Then
        assertEquals("NoPermission", before);
        assertTrue(created.getGroupId().matches("g-[A-Za-z0-9]{12}"), created.getGroupId());
        assertEquals("operators", created.getComments());
        assertNotNull(cloud.call(cloud.bob, new ListUsersRequest()).getUsers());
        List<ListGroupsForUserResponse.Group> groups = groupsOf("bob");
        assertEquals(List.of("Ops"), groups.stream().map(ListGroupsForUserResponse.Group::getGroupName).toList());
        assertEquals(created.getGroupId(), groups.get(0).getGroupId());
        assertTrue(groups.get(0).getJoinDate().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertEquals(List.of(), groupsOf("alice"));
        ListPoliciesForGroupRequest policies = new ListPoliciesForGroupRequest();
        policies.setGroupName("Ops");
        assertEquals("AliyunRAMReadOnlyAccess",
                cloud.call(cloud.root, policies).getPolicies().get(0).getPolicyName());
        GetPolicyRequest policy = new GetPolicyRequest();
        policy.setPolicyType("System");
        policy.setPolicyName("AliyunRAMReadOnlyAccess");
        assertEquals(1, cloud.call(cloud.root, policy).getPolicy().getAttachmentCount());

        // When the policy is detached, bob loses it; when bob leaves, the group no longer lists him
        DetachPolicyFromGroupRequest detach = new DetachPolicyFromGroupRequest();
        detach.setGroupName("Ops");
        detach.setPolicyType("System");
        detach.setPolicyName("AliyunRAMReadOnlyAccess");
        cloud.call(cloud.root, detach);
        assertEquals("NoPermission", cloud.failure(cloud.bob, new ListUsersRequest()).getErrCode());
        RemoveUserFromGroupRequest remove = new RemoveUserFromGroupRequest();
        remove.setUserName("bob");
        remove.setGroupName("Ops");
        cloud.call(cloud.root, remove);
        assertEquals(List.of(), groupsOf("bob"));
        assertEquals("EntityNotExist.User.Group", cloud.failure(cloud.root, remove).getErrCode());
    }

    @Test
    void shouldRefuseWhatRamRefuses() throws ClientException {
        createGroup("Ops");
        cloud.call(cloud.root, add("bob", "Ops"));
        cloud.call(cloud.root, attach("Ops", "ReadOnlyAccess"));

        assertEquals("EntityAlreadyExists.Group", cloud.failure(cloud.root, new CreateGroupRequest() {
            {
                setGroupName("ops");
            }
        }).getErrCode());
        assertEquals("EntityAlreadyExists.User.Group", cloud.failure(cloud.root, add("bob", "Ops")).getErrCode());
        assertEquals("EntityNotExist.Group", cloud.failure(cloud.root, add("bob", "Nobody")).getErrCode());
        assertEquals("EntityNotExist.User", cloud.failure(cloud.root, add("carol", "Ops")).getErrCode());
        assertEquals("EntityAlreadyExists.Group.Policy",
                cloud.failure(cloud.root, attach("Ops", "ReadOnlyAccess")).getErrCode());
        assertEquals("InvalidParameter.GroupName.InvalidChars", cloud.failure(cloud.root, new CreateGroupRequest() {
            {
                setGroupName("ops team");
            }
        }).getErrCode());
        // bob may not add himself to a group: his own policies do not allow it
        assertEquals("NoPermission", cloud.failure(cloud.bob, add("bob", "Ops")).getErrCode());
    }

    @Test
    void shouldKeepGroupsMembersAndJoinDatesInTheStateFile() throws ClientException {
        createGroup("Ops");
        cloud.call(cloud.root, add("bob", "Ops"));
        cloud.call(cloud.root, attach("Ops", "ReadOnlyAccess"));
        String joined = groupsOf("bob").get(0).getJoinDate();
        CloudState copy = new CloudState();

        copy.restore(Fleet.parse(cloud.emulator.state().export().toJson()));

        assertEquals(cloud.emulator.state().snapshot(), copy.snapshot());
        StateSnapshot.GroupView group = copy.snapshot().groups().get(0);
        assertEquals(List.of("bob"), group.members());
        assertEquals(List.of("System:ReadOnlyAccess"), group.policies());
        assertEquals(joined, copy.export().accounts().get(0).groups().get(0).members().get(0).joinDate());
    }

    @Test
    void shouldSeedAGroupWhoseMembersAreGivenByName() {
        CloudState state = new CloudState();

        state.seedJson("""
                {"accounts":[{"accountId":"%s","users":[{"userName":"bob"}],
                  "groups":[{"groupName":"Ops","members":["bob"],"policies":[{"policyName":"ReadOnlyAccess"}]}]}]}"""
                .formatted(TestCloud.ACCOUNT));

        StateSnapshot.GroupView group = state.snapshot().groups().get(0);
        assertEquals(List.of("bob"), group.members());
        assertTrue(group.groupId().startsWith("g-"));
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> state.seedJson("""
                        {"accounts":[{"accountId":"%s","groups":[{"groupName":"Dev","members":["carol"]}]}]}"""
                        .formatted(TestCloud.ACCOUNT)));
        assertTrue(unknown.getMessage().contains("no user named carol"), unknown.getMessage());
    }
}
