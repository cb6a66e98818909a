package io.leakguard.emulator;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.CommonRequest;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.MethodType;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.ram.model.v20150501.AttachPolicyToUserRequest;
import com.aliyuncs.ram.model.v20150501.CreatePolicyRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AccessKey network access restriction policies (IMS SetAccessKeyPolicy / GetAccessKeyPolicy) through the real SDK's
 * CommonRequest, and {@code acs:SourceIp} conditions in permission policies; callers at other addresses are played
 * with X-Forwarded-For.
 */
class ImsAccessKeyPolicyTest {

    private static final String KNOWN_IP = "198.51.100.7";
    private static final String OTHER_IP = "203.0.113.66";
    private final TestCloud cloud = new TestCloud();

    @AfterEach
    void stop() {
        cloud.close();
    }

    private CommonRequest ims(String action, String principal, String keyId) {
        CommonRequest request = new CommonRequest();
        request.setSysDomain(cloud.emulator.hostPort());
        request.setSysProtocol(ProtocolType.HTTP);
        request.setSysMethod(MethodType.POST);
        request.setSysProduct("Ims");
        request.setSysVersion("2019-08-15");
        request.setSysAction(action);
        if (principal != null) {
            request.putQueryParameter("UserPrincipalName", principal);
        }
        request.putQueryParameter("UserAccessKeyId", keyId);
        return request;
    }

    private JsonNode send(TestCloud.Key key, CommonRequest request) throws Exception {
        return Json.MAPPER.readTree(cloud.client(key).getCommonResponse(request).getData());
    }

    private void setPolicy(TestCloud.Key caller, String principal, String keyId, String policy) throws Exception {
        CommonRequest request = ims("SetAccessKeyPolicy", principal, keyId);
        request.putQueryParameter("AccessKeyPolicy", policy);
        send(caller, request);
    }

    private static <T extends AcsRequest<?>> T from(String ip, T request) {
        request.putHeaderParameter("X-Forwarded-For", ip);
        return request;
    }

    private String bob() {
        return "bob@" + TestCloud.ACCOUNT + ".onaliyun.com";
    }

    @Test
    void shouldLetARestrictedKeyCallOnlyFromItsAllowedAddresses() throws Exception {
        // Given alice (an administrator) restricts bob's key to 198.51.100.0/24
        String policy = "{\"Version\":1,\"Status\":\"Active\",\"Statements\":[{\"Type\":\"ClassicWhiteList\","
                + "\"IPList\":[\"198.51.100.0/24\",\"2001:db8::/32\"]}]}";
        setPolicy(cloud.alice, bob(), cloud.bob.id(), policy);

        // Then bob's key works from inside the block and is refused from anywhere else, on every product
        assertEquals("RAMUser", cloud.call(cloud.bob, from(KNOWN_IP, new GetCallerIdentityRequest())).getIdentityType());
        ClientException refused = cloud.failure(cloud.bob, from(OTHER_IP, new GetCallerIdentityRequest()));
        assertEquals("NoPermission", refused.getErrCode());
        assertTrue(refused.getErrMsg().contains(OTHER_IP), refused.getErrMsg());
        // and GetAccessKeyPolicy answers the document as it was set; alice's own key has none
        JsonNode got = send(cloud.alice, ims("GetAccessKeyPolicy", bob(), cloud.bob.id()));
        assertEquals(policy, got.path("AccessKeyPolicy").asText());
        assertEquals(cloud.bob.id(), got.path("AccessKeyId").asText());
        assertEquals(ImsApi.NO_POLICY, send(cloud.alice, ims("GetAccessKeyPolicy", null, cloud.alice.id()))
                .path("AccessKeyPolicy").asText());

        // When the policy is set Inactive, the key works from anywhere again
        setPolicy(cloud.alice, bob(), cloud.bob.id(), ImsApi.NO_POLICY);
        cloud.call(cloud.bob, from(OTHER_IP, new GetCallerIdentityRequest()));
    }

    @Test
    void shouldRefuseMalformedPoliciesAndKeysOfOtherUsers() {
        assertCode("InvalidParameter.AccessKeyPolicy", () -> setPolicy(cloud.alice, bob(), cloud.bob.id(),
                "{\"Status\":\"Active\",\"Statements\":[{\"Type\":\"ClassicWhiteList\",\"IPList\":[\"not-an-ip\"]}]}"));
        assertCode("InvalidParameter.AccessKeyPolicy", () -> setPolicy(cloud.alice, bob(), cloud.bob.id(),
                "{\"Status\":\"Active\"}"));
        assertCode("InvalidParameter.AccessKeyPolicy", () -> setPolicy(cloud.alice, bob(), cloud.bob.id(),
                "{\"Status\":\"On\",\"Statements\":[]}"));
        // alice's key is not bob's
        assertCode("EntityNotExist.User.AccessKey", () -> setPolicy(cloud.alice, bob(), cloud.alice.id(),
                ImsApi.NO_POLICY));
        assertCode("EntityNotExist.User", () -> setPolicy(cloud.alice, "bob@" + TestCloud.OTHER_ACCOUNT
                + ".onaliyun.com", cloud.bob.id(), ImsApi.NO_POLICY));
        // bob has no RAM permissions: NoPermission
        assertCode("NoPermission", () -> setPolicy(cloud.bob, bob(), cloud.bob.id(), ImsApi.NO_POLICY));
    }

    @Test
    void shouldDenyByAcsSourceIpConditions() throws Exception {
        // Given bob may list users, except from outside 198.51.100.0/24 (the deny-new-ips form)
        CreatePolicyRequest create = new CreatePolicyRequest();
        create.setPolicyName("ListFromOffice");
        create.setPolicyDocument("{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ram:ListUsers\","
                + "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
                + "{\"NotIpAddress\":{\"acs:SourceIp\":[\"198.51.100.0/24\"]}}}]}");
        cloud.call(cloud.alice, create);
        AttachPolicyToUserRequest attach = new AttachPolicyToUserRequest();
        attach.setUserName("bob");
        attach.setPolicyType("Custom");
        attach.setPolicyName("ListFromOffice");
        cloud.call(cloud.alice, attach);

        cloud.call(cloud.bob, from(KNOWN_IP, new ListUsersRequest()));
        assertEquals("NoPermission", cloud.failure(cloud.bob, from(OTHER_IP, new ListUsersRequest())).getErrCode());
    }

    private static void assertCode(String code, org.junit.jupiter.api.function.Executable call) {
        ClientException e = assertThrows(ClientException.class, call);
        assertEquals(code, e.getErrCode(), e.getErrMsg());
    }
}
