package io.leakguard.emulator;

import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.ram.model.v20150501.AttachPolicyToRoleRequest;
import com.aliyuncs.ram.model.v20150501.AttachPolicyToUserRequest;
import com.aliyuncs.ram.model.v20150501.CreatePolicyRequest;
import com.aliyuncs.ram.model.v20150501.CreatePolicyResponse;
import com.aliyuncs.ram.model.v20150501.CreateRoleRequest;
import com.aliyuncs.ram.model.v20150501.CreateRoleResponse;
import com.aliyuncs.ram.model.v20150501.DeleteRoleRequest;
import com.aliyuncs.ram.model.v20150501.DetachPolicyFromRoleRequest;
import com.aliyuncs.ram.model.v20150501.GetPolicyRequest;
import com.aliyuncs.ram.model.v20150501.GetPolicyResponse;
import com.aliyuncs.ram.model.v20150501.GetRoleRequest;
import com.aliyuncs.ram.model.v20150501.GetRoleResponse;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForRoleRequest;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForRoleResponse;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForUserRequest;
import com.aliyuncs.ram.model.v20150501.ListPoliciesForUserResponse;
import com.aliyuncs.ram.model.v20150501.ListRolesRequest;
import com.aliyuncs.ram.model.v20150501.ListRolesResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RAM roles, policies and attachments through the real SDK. */
class RamRolePolicyTest {

    static final String TRUST_ACCOUNT = """
            {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
              "Principal":{"RAM":["acs:ram::1000000000000001:root"]}}]}""";

    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private CreateRoleResponse.Role createRole(String name) throws ClientException {
        CreateRoleRequest request = new CreateRoleRequest();
        request.setRoleName(name);
        request.setAssumeRolePolicyDocument(TRUST_ACCOUNT);
        request.setDescription("rotates keys");
        request.setMaxSessionDuration(7200L);
        return cloud.call(cloud.root, request).getRole();
    }

    private void attach(String role, String type, String policy) throws ClientException {
        AttachPolicyToRoleRequest request = new AttachPolicyToRoleRequest();
        request.setRoleName(role);
        request.setPolicyType(type);
        request.setPolicyName(policy);
        cloud.call(cloud.root, request);
    }

    @Test
    void shouldCreateRoleAndReadItBack() throws ClientException {
        // When
        CreateRoleResponse.Role created = createRole("Remediator");
        GetRoleRequest get = new GetRoleRequest();
        get.setRoleName("Remediator");
        GetRoleResponse.Role role = cloud.call(cloud.root, get).getRole();
        ListRolesResponse list = cloud.call(cloud.root, new ListRolesRequest());

        // Then
        assertTrue(created.getRoleId().matches("\\d{19}"));
        assertEquals(created.getRoleId(), role.getRoleId());
        assertEquals("acs:ram::" + TestCloud.ACCOUNT + ":role/remediator", role.getArn());
        assertEquals(TRUST_ACCOUNT, role.getAssumeRolePolicyDocument());
        assertEquals(7200L, role.getMaxSessionDuration());
        assertEquals("rotates keys", role.getDescription());
        assertEquals(List.of("Remediator"), list.getRoles().stream().map(ListRolesResponse.Role::getRoleName).toList());
        assertFalse(list.getIsTruncated());
    }

    @Test
    void shouldRefuseDuplicateRoleAndMalformedTrustPolicy() throws ClientException {
        createRole("Remediator");
        CreateRoleRequest bad = new CreateRoleRequest();
        bad.setRoleName("Other");
        bad.setAssumeRolePolicyDocument("{\"Statement\":\"nope\"}");

        ClientException duplicate = assertThrowsCreate("Remediator");
        ClientException malformed = cloud.failure(cloud.root, bad);

        assertEquals("EntityAlreadyExists.Role", duplicate.getErrCode());
        assertEquals("MalformedPolicyDocument", malformed.getErrCode());
    }

    private ClientException assertThrowsCreate(String name) {
        CreateRoleRequest request = new CreateRoleRequest();
        request.setRoleName(name);
        request.setAssumeRolePolicyDocument(TRUST_ACCOUNT);
        return cloud.failure(cloud.root, request);
    }

    @Test
    void shouldRefuseUnknownRole() {
        GetRoleRequest get = new GetRoleRequest();
        get.setRoleName("Ghost");
        DeleteRoleRequest delete = new DeleteRoleRequest();
        delete.setRoleName("Ghost");

        assertEquals("EntityNotExist.Role", cloud.failure(cloud.root, get).getErrCode());
        assertEquals("EntityNotExist.Role", cloud.failure(cloud.root, delete).getErrCode());
    }

    @Test
    void shouldRefuseDeletingRoleWhilePoliciesAreAttached() throws ClientException {
        // Given a role with a policy
        createRole("Remediator");
        attach("Remediator", "System", "AliyunRAMFullAccess");
        DeleteRoleRequest delete = new DeleteRoleRequest();
        delete.setRoleName("Remediator");

        // When / Then deletion is refused until the policy is detached
        assertEquals("DeleteConflict.Role.Policy", cloud.failure(cloud.root, delete).getErrCode());
        DetachPolicyFromRoleRequest detach = new DetachPolicyFromRoleRequest();
        detach.setRoleName("Remediator");
        detach.setPolicyType("System");
        detach.setPolicyName("AliyunRAMFullAccess");
        cloud.call(cloud.root, detach);
        cloud.call(cloud.root, delete);
        assertTrue(cloud.emulator.state().snapshot().roles().isEmpty());
    }

    @Test
    void shouldListAttachAndDetachRolePoliciesWithDocumentedErrors() throws ClientException {
        createRole("Remediator");
        attach("Remediator", "System", "AliyunRAMFullAccess");
        attach("Remediator", "System", "AliyunKMSFullAccess");

        ListPoliciesForRoleRequest list = new ListPoliciesForRoleRequest();
        list.setRoleName("Remediator");
        ListPoliciesForRoleResponse policies = cloud.call(cloud.root, list);

        assertEquals(List.of("AliyunRAMFullAccess", "AliyunKMSFullAccess"),
                policies.getPolicies().stream().map(ListPoliciesForRoleResponse.Policy::getPolicyName).toList());
        assertEquals("System", policies.getPolicies().get(0).getPolicyType());

        AttachPolicyToRoleRequest again = new AttachPolicyToRoleRequest();
        again.setRoleName("Remediator");
        again.setPolicyType("System");
        again.setPolicyName("AliyunRAMFullAccess");
        assertEquals("EntityAlreadyExists.Role.Policy", cloud.failure(cloud.root, again).getErrCode());
        again.setPolicyName("NoSuchPolicy");
        assertEquals("EntityNotExist.Policy", cloud.failure(cloud.root, again).getErrCode());
        again.setPolicyType("Managed");
        assertEquals("InvalidParameter.PolicyType", cloud.failure(cloud.root, again).getErrCode());

        DetachPolicyFromRoleRequest detach = new DetachPolicyFromRoleRequest();
        detach.setRoleName("Remediator");
        detach.setPolicyType("System");
        detach.setPolicyName("AdministratorAccess");
        assertEquals("EntityNotExist.Role.Policy", cloud.failure(cloud.root, detach).getErrCode());
    }

    @Test
    void shouldCreateCustomPolicyAttachItToUserAndReadIt() throws ClientException {
        // Given
        String document = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ram:List*\",\"Resource\":\"*\"}]}";
        CreatePolicyRequest create = new CreatePolicyRequest();
        create.setPolicyName("ListEverything");
        create.setPolicyDocument(document);
        create.setDescription("lists");

        // When
        CreatePolicyResponse.Policy created = cloud.call(cloud.root, create).getPolicy();
        AttachPolicyToUserRequest attach = new AttachPolicyToUserRequest();
        attach.setUserName("bob");
        attach.setPolicyType("Custom");
        attach.setPolicyName("ListEverything");
        cloud.call(cloud.root, attach);
        GetPolicyRequest get = new GetPolicyRequest();
        get.setPolicyName("ListEverything");
        get.setPolicyType("Custom");
        GetPolicyResponse policy = cloud.call(cloud.root, get);
        ListPoliciesForUserRequest list = new ListPoliciesForUserRequest();
        list.setUserName("bob");
        ListPoliciesForUserResponse forBob = cloud.call(cloud.root, list);

        // Then
        assertEquals("Custom", created.getPolicyType());
        assertEquals("v1", created.getDefaultVersion());
        assertEquals(document, policy.getPolicy().getPolicyDocument());
        assertEquals(1, policy.getPolicy().getAttachmentCount());
        assertEquals(document, policy.getDefaultPolicyVersion().getPolicyDocument());
        assertEquals("ListEverything", forBob.getPolicies().get(0).getPolicyName());
        assertEquals("EntityAlreadyExists.Policy", cloud.failure(cloud.root, create).getErrCode());
        create.setPolicyName("Broken");
        create.setPolicyDocument("[]");
        assertEquals("MalformedPolicyDocument", cloud.failure(cloud.root, create).getErrCode());
        attach.setUserName("mallory");
        assertEquals("EntityNotExist.User", cloud.failure(cloud.root, attach).getErrCode());
    }

    @Test
    void shouldReadSystemPolicy() throws ClientException {
        GetPolicyRequest get = new GetPolicyRequest();
        get.setPolicyName("AdministratorAccess");
        get.setPolicyType("System");

        GetPolicyResponse.Policy policy = cloud.call(cloud.root, get).getPolicy();

        assertEquals("System", policy.getPolicyType());
        assertTrue(policy.getPolicyDocument().contains("\"Action\":\"*\""));
        assertEquals(1, policy.getAttachmentCount());
    }
}
