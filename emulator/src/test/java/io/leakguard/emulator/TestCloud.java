package io.leakguard.emulator;

import com.aliyuncs.AcsRequest;
import com.aliyuncs.AcsResponse;
import com.aliyuncs.DefaultAcsClient;
import com.aliyuncs.IAcsClient;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.http.ProtocolType;
import com.aliyuncs.profile.DefaultProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A started emulator seeded with one account (a root key, users alice and bob with one key each, alice with
 * AdministratorAccess) plus helpers to call it through the real SDK. Every key is generated per instance.
 */
final class TestCloud implements AutoCloseable {

    static final String ACCOUNT = "1000000000000001";
    static final String OTHER_ACCOUNT = "2000000000000002";
    static final String REGION = "cn-hangzhou";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** A key pair; toString never shows the secret. */
    record Key(String id, String secret) {
        @Override
        public String toString() {
            return id;
        }

        Fleet.KeySeed seed() {
            return new Fleet.KeySeed(id, secret);
        }
    }

    final Emulator emulator;
    final Key root = newKey();
    final Key alice = newKey();
    final Key bob = newKey();

    TestCloud() {
        this(Clock.systemUTC());
    }

    TestCloud(Clock clock) {
        try {
            emulator = Emulator.builder().clock(clock).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        emulator.state().seed(new Fleet(List.of(new Fleet.AccountSeed(ACCOUNT, "demo", List.of(root.seed()),
                List.of(new Fleet.UserSeed("alice", null, "Alice", "alice@example.com", "", "", null,
                                List.of(alice.seed()), List.of(new Fleet.PolicyRef("AdministratorAccess", "System"))),
                        new Fleet.UserSeed("bob", List.of(bob.seed()))),
                null, null, null))));
    }

    static Key newKey() {
        return new Key("LTAI" + random(20), random(30));
    }

    static String random(int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    IAcsClient client(Key key) {
        return new DefaultAcsClient(DefaultProfile.getProfile(REGION, key.id(), key.secret()));
    }

    IAcsClient stsClient(String accessKeyId, String secret, String securityToken) {
        return new DefaultAcsClient(DefaultProfile.getProfile(REGION),
                new StaticCredentialsProvider(new BasicSessionCredentials(accessKeyId, secret, securityToken)));
    }

    /** Points the request at the emulator over plain HTTP and sends it. */
    <T extends AcsResponse> T call(IAcsClient client, AcsRequest<T> request) throws ClientException {
        request.setSysEndpoint(emulator.hostPort());
        request.setSysProtocol(ProtocolType.HTTP);
        return client.getAcsResponse(request);
    }

    <T extends AcsResponse> T call(Key key, AcsRequest<T> request) throws ClientException {
        return call(client(key), request);
    }

    /** Sends a request that must fail, and returns the SDK's exception. */
    ClientException failure(IAcsClient client, AcsRequest<?> request) {
        return assertThrows(ClientException.class, () -> call(client, request));
    }

    ClientException failure(Key key, AcsRequest<?> request) {
        return failure(client(key), request);
    }

    @Override
    public void close() {
        emulator.close();
    }
}
