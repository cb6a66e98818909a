package io.leakguard.emulator;

import com.aliyun.credentials.exception.CredentialException;
import com.aliyun.credentials.models.CredentialModel;
import com.aliyun.credentials.provider.OIDCRoleArnCredentialProvider;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;
import com.aliyuncs.ram.model.v20150501.GetUserRequest;
import com.aliyuncs.ram.model.v20150501.ListUsersRequest;
import com.aliyuncs.sts.model.v20150401.AssumeRoleRequest;
import com.aliyuncs.sts.model.v20150401.AssumeRoleWithOIDCRequest;
import com.aliyuncs.sts.model.v20150401.AssumeRoleWithOIDCResponse;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * STS AssumeRoleWithOIDC (https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc)
 * the way ACK RRSA uses it: the real credentials-java 1.0.3 {@code OIDCRoleArnCredentialProvider} reads a token file
 * and calls the emulator over HTTPS (its only scheme), trusting the emulator's certificate through the JDK's default
 * trust store as a pod would trust the real STS. Error codes are the documented ones
 * (https://help.aliyun.com/zh/ram/developer-reference/api-sts-2015-04-01-errorcodes).
 */
class StsAssumeRoleWithOidcTest {

    private static final String ACCOUNT = "1000000000000001";
    private static final String MEMBER = "2000000000000002";
    private static final String PROVIDER = "ack-rrsa-c0ffee";
    private static final String OTHER_PROVIDER = "ack-rrsa-other";
    private static final String PROVIDER_ARN = "acs:ram::" + ACCOUNT + ":oidc-provider/" + PROVIDER;
    private static final String ROLE_ARN = "acs:ram::" + ACCOUNT + ":role/leakguard-remediator";
    private static final String SUBJECT = OidcIssuer.subject("leakguard", "leakguard-remediator");
    private static final List<String> TRUST_PROPERTIES = List.of("javax.net.ssl.trustStore",
            "javax.net.ssl.trustStoreType", "javax.net.ssl.trustStorePassword");

    private static final OidcIssuer ISSUER = OidcIssuer.generate("https://oidc-ack-cn-hangzhou.example/c0ffee");
    private static final OidcIssuer OTHER_ISSUER = OidcIssuer.generate("https://oidc-ack-cn-hangzhou.example/other");
    private static Emulator cloud;
    private static final Map<String, String> savedProperties = new HashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void start(@TempDir Path trustDir) throws Exception {
        Path trustStore = trustDir.resolve("emulator.p12");
        cloud = Emulator.builder().https(true).trustStoreFile(trustStore).build().start();
        // credentials-java builds its TLS context from the JDK default trust at each call, so the system properties
        // are all it takes; they are put back after the class.
        TRUST_PROPERTIES.forEach(p -> savedProperties.put(p, System.getProperty(p)));
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.trustStorePassword", Emulator.TRUST_STORE_PASSWORD);
        String readUsers = """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":["ram:GetUser","sts:AssumeRole"],"Resource":"*"}]}""";
        String rrsaTrust = """
                {"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",
                  "Principal":{"Federated":["%s"]},
                  "Condition":{"StringEquals":{"oidc:aud":"sts.aliyuncs.com","oidc:iss":"%s","oidc:sub":"%s"}}}]}"""
                .formatted(PROVIDER_ARN, ISSUER.issuerUrl(), SUBJECT);
        cloud.state().seedJson("""
                {"accounts":[{"accountId":"%s",
                  "oidcProviders":[
                    {"name":"%s","issuerUrl":"%s","clientIds":["sts.aliyuncs.com"],"jwks":%s},
                    {"name":"%s","issuerUrl":"%s","clientIds":["sts.aliyuncs.com"],"jwks":%s}],
                  "policies":[{"policyName":"ReadUsers","policyDocument":%s}],
                  "users":[{"userName":"alice"}],
                  "roles":[{"roleName":"leakguard-remediator","assumeRolePolicyDocument":%s,
                            "policies":[{"policyName":"ReadUsers","policyType":"Custom"}]}]},
                 {"accountId":"%s",
                  "roles":[{"roleName":"leakguard","policies":[{"policyName":"ReadOnlyAccess"}],
                            "assumeRolePolicyDocument":{"Version":"1","Statement":[{"Effect":"Allow",
                              "Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::%s:root"]}}]}}]}]}"""
                .formatted(ACCOUNT, PROVIDER, ISSUER.issuerUrl(), ISSUER.jwksJson(), OTHER_PROVIDER,
                        OTHER_ISSUER.issuerUrl(), OTHER_ISSUER.jwksJson(), readUsers, rrsaTrust, MEMBER, ACCOUNT));
    }

    @AfterAll
    static void stop() {
        cloud.close();
        savedProperties.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void shouldIssueRoleCredentialsThatActWithTheRolesPermissionsForAValidToken() throws Exception {
        // Given a token file as ACK projects it, and the real provider pointed at the emulator's HTTPS endpoint
        Path tokenFile = tokenFile(ISSUER.serviceAccountToken("leakguard", "leakguard-remediator", Instant.now(),
                Duration.ofHours(1)));

        // When
        CredentialModel credentials = provider(tokenFile, ROLE_ARN, PROVIDER_ARN).getCredentials();

        // Then the session is the role's, and it may do what the role's policy allows and nothing else
        assertTrue(credentials.getAccessKeyId().startsWith("STS."));
        IAcsClient session = sessionClient(credentials);
        assertEquals("acs:ram::" + ACCOUNT + ":assumed-role/leakguard-remediator/rrsa-test",
                call(session, new GetCallerIdentityRequest()).getArn());
        GetUserRequest getUser = new GetUserRequest();
        getUser.setUserName("alice");
        assertEquals("alice", call(session, getUser).getUser().getUserName());
        ClientException denied = assertThrows(ClientException.class, () -> call(session, new ListUsersRequest()));
        assertEquals("NoPermission", denied.getErrCode());
    }

    @Test
    void shouldLetTheOidcSessionAssumeAMemberAccountRole() throws Exception {
        // Given an RRSA session of the remediator role, which may call sts:AssumeRole
        Path tokenFile = tokenFile(ISSUER.serviceAccountToken("leakguard", "leakguard-remediator", Instant.now(),
                Duration.ofHours(1)));
        IAcsClient session = sessionClient(provider(tokenFile, ROLE_ARN, PROVIDER_ARN).getCredentials());

        // When it assumes the member account's role, which trusts the home account (role chaining)
        AssumeRoleRequest assume = new AssumeRoleRequest();
        assume.setRoleArn("acs:ram::" + MEMBER + ":role/leakguard");
        assume.setRoleSessionName("leakguard");
        var member = call(session, assume).getCredentials();

        // Then
        assertEquals("acs:ram::" + MEMBER + ":assumed-role/leakguard/leakguard",
                call(new DefaultAcsClient(DefaultProfile.getProfile("cn-hangzhou"), new StaticCredentialsProvider(
                        new BasicSessionCredentials(member.getAccessKeyId(), member.getAccessKeySecret(),
                                member.getSecurityToken()))), new GetCallerIdentityRequest()).getArn());
    }

    @Test
    void shouldReadTheTokenFileAgainAtEachRefreshSoARotatedTokenIsUsed() throws Exception {
        // Given a provider whose file holds an expired token
        Path tokenFile = tokenFile(expired());
        OIDCRoleArnCredentialProvider provider = provider(tokenFile, ROLE_ARN, PROVIDER_ARN);
        assertTrue(failure(provider).contains("AuthenticationFail.OIDCToken.Expired"));

        // When the file is rotated in place, as the kubelet does
        OidcIssuer.writeTokenFile(tokenFile, ISSUER.serviceAccountToken("leakguard", "leakguard-remediator",
                Instant.now(), Duration.ofHours(1)));

        // Then the same provider succeeds with the new token
        assertTrue(provider.getCredentials().getAccessKeyId().startsWith("STS."));
    }

    @Test
    void shouldRefuseATokenSignedByAnotherKey() throws Exception {
        String forged = ISSUER.impostor().serviceAccountToken("leakguard", "leakguard-remediator", Instant.now(),
                Duration.ofHours(1));

        assertTrue(failure(provider(tokenFile(forged), ROLE_ARN, PROVIDER_ARN))
                .contains("AuthenticationFail.OIDCToken.InvalidSignature"));
    }

    @Test
    void shouldRefuseATokenOfAnotherIssuer() throws Exception {
        Map<String, Object> claims = claims(SUBJECT);
        claims.put("iss", "https://evil.example");

        assertTrue(failure(provider(tokenFile(ISSUER.sign(claims)), ROLE_ARN, PROVIDER_ARN))
                .contains("AuthenticationFail.OIDCToken.IssuerNotMatch"));
    }

    @Test
    void shouldRefuseATokenForAnotherAudience() throws Exception {
        Map<String, Object> claims = claims(SUBJECT);
        claims.put("aud", List.of("kubernetes.default.svc"));

        assertTrue(failure(provider(tokenFile(ISSUER.sign(claims)), ROLE_ARN, PROVIDER_ARN))
                .contains("AuthenticationFail.OIDCToken.AudienceNotMatch"));
    }

    @Test
    void shouldRefuseAnExpiredToken() throws Exception {
        assertTrue(failure(provider(tokenFile(expired()), ROLE_ARN, PROVIDER_ARN))
                .contains("AuthenticationFail.OIDCToken.Expired"));
    }

    @Test
    void shouldRefuseAProviderTheRoleDoesNotTrust() throws Exception {
        // Given a valid token of another registered provider (another cluster)
        String token = OTHER_ISSUER.serviceAccountToken("leakguard", "leakguard-remediator", Instant.now(),
                Duration.ofHours(1));

        String message = failure(provider(tokenFile(token), ROLE_ARN,
                "acs:ram::" + ACCOUNT + ":oidc-provider/" + OTHER_PROVIDER));

        assertTrue(message.contains("AuthenticationFail.NoPermission") && message.contains("There is no permission"),
                message);
    }

    @Test
    void shouldRefuseAServiceAccountTheRoleDoesNotTrust() throws Exception {
        String token = ISSUER.serviceAccountToken("leakguard", "leakguard-enricher", Instant.now(), Duration.ofHours(1));

        assertTrue(failure(provider(tokenFile(token), ROLE_ARN, PROVIDER_ARN))
                .contains("AuthenticationFail.NoPermission"));
    }

    @Test
    void shouldRefuseAnUnknownProviderAndAnUnknownRole() throws Exception {
        Path token = tokenFile(ISSUER.serviceAccountToken("leakguard", "leakguard-remediator", Instant.now(),
                Duration.ofHours(1)));

        assertTrue(failure(provider(token, ROLE_ARN, "acs:ram::" + ACCOUNT + ":oidc-provider/nope"))
                .contains("No such OIDC Provider registered."));
        assertTrue(failure(provider(token, "acs:ram::" + ACCOUNT + ":role/nope", PROVIDER_ARN))
                .contains("EntityNotExist.Role"));
    }

    @Test
    void shouldAnswerTheV1SdksAnonymousRequestWithTheTokenInfo() throws Exception {
        // Given the core SDK's own request class on a client without credentials: sent unsigned
        AssumeRoleWithOIDCRequest request = new AssumeRoleWithOIDCRequest();
        request.setRoleArn(ROLE_ARN);
        request.setOIDCProviderArn(PROVIDER_ARN);
        request.setOIDCToken(ISSUER.serviceAccountToken("leakguard", "leakguard-remediator", Instant.now(),
                Duration.ofHours(1)));
        request.setRoleSessionName("sdk-v1");

        // When
        AssumeRoleWithOIDCResponse response = call(new DefaultAcsClient(DefaultProfile.getProfile("cn-hangzhou")),
                request);

        // Then
        assertEquals(SUBJECT, response.getOIDCTokenInfo().getSubject());
        assertEquals(ISSUER.issuerUrl(), response.getOIDCTokenInfo().getIssuer());
        assertEquals("sts.aliyuncs.com", response.getOIDCTokenInfo().getClientIds());
        assertEquals("acs:ram::" + ACCOUNT + ":role/leakguard-remediator/sdk-v1", response.getAssumedRoleUser().getArn());
        assertTrue(response.getCredentials().getAccessKeyId().startsWith("STS."));
    }

    @Test
    void shouldKeepTheProviderAcrossAStateSaveAndLoad() throws Exception {
        // Given the state exported and restored (the state file's path)
        Fleet saved = cloud.state().export();
        JsonNode providers = Json.MAPPER.readTree(saved.toJson()).path("accounts").get(0).path("oidcProviders");
        assertEquals(2, providers.size());
        cloud.state().restore(saved);

        // Then tokens are still verified against the same keys
        Path token = tokenFile(ISSUER.serviceAccountToken("leakguard", "leakguard-remediator", Instant.now(),
                Duration.ofHours(1)));
        assertTrue(provider(token, ROLE_ARN, PROVIDER_ARN).getCredentials().getAccessKeyId().startsWith("STS."));
    }

    private Map<String, Object> claims(String subject) {
        Map<String, Object> claims = new LinkedHashMap<>();
        long now = Instant.now().getEpochSecond();
        claims.put("iss", ISSUER.issuerUrl());
        claims.put("sub", subject);
        claims.put("aud", List.of(OidcIssuer.STS_AUDIENCE));
        claims.put("iat", now);
        claims.put("exp", now + 3600);
        return claims;
    }

    private String expired() {
        Map<String, Object> claims = claims(SUBJECT);
        long now = Instant.now().getEpochSecond();
        claims.put("iat", now - 7200);
        claims.put("exp", now - 60);
        return ISSUER.sign(claims);
    }

    private Path tokenFile(String token) throws Exception {
        Path file = Files.createTempDirectory(dir, "token").resolve("token");
        OidcIssuer.writeTokenFile(file, token);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));
        return file;
    }

    private static OIDCRoleArnCredentialProvider provider(Path tokenFile, String roleArn, String providerArn) {
        return OIDCRoleArnCredentialProvider.builder()
                .roleArn(roleArn)
                .oidcProviderArn(providerArn)
                .oidcTokenFilePath(tokenFile.toString())
                .roleSessionName("rrsa-test")
                .STSEndpoint(cloud.httpsHostPort())
                .build();
    }

    private static String failure(OIDCRoleArnCredentialProvider provider) {
        return assertThrows(CredentialException.class, provider::getCredentials).getMessage();
    }

    private static IAcsClient sessionClient(CredentialModel credentials) {
        return new DefaultAcsClient(DefaultProfile.getProfile("cn-hangzhou"), new StaticCredentialsProvider(
                new BasicSessionCredentials(credentials.getAccessKeyId(), credentials.getAccessKeySecret(),
                        credentials.getSecurityToken())));
    }

    private static <T extends com.aliyuncs.AcsResponse> T call(IAcsClient client, com.aliyuncs.AcsRequest<T> request)
            throws ClientException {
        request.setSysEndpoint(cloud.hostPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client.getAcsResponse(request);
    }
}
