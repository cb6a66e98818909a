package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakguard.emulator.Model.AccessKey;
import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.Secret;
import io.leakguard.emulator.Model.SecretVersion;
import io.leakguard.emulator.Model.User;
import io.leakguard.emulator.Product.Call;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.leakguard.emulator.Responses.obj;
import static io.leakguard.emulator.Responses.wrap;

/**
 * KMS Secrets Manager, version 2016-01-20 (reference §4): Generic secrets with versions and stages, and
 * RAMCredentials secrets that RotateSecret rotates by creating a new AccessKey for the RAM user and
 * deleting the old one. Secret values travel in the query: nothing here logs parameters.
 */
final class KmsApi {

    static final String VERSION = "2016-01-20";
    static final String GENERIC = "Generic";
    static final String RAM_CREDENTIALS = "RAMCredentials";
    private static final String CURRENT = "ACSCurrent";
    private static final Pattern SECRET_NAME = Pattern.compile("[a-zA-Z0-9/_+=.@-]{1,192}");
    private static final Pattern SECRET_ARN = Pattern.compile("acs:kms:[^:]*:\\d{16}:secret/(.+)");
    private static final Pattern INTERVAL = Pattern.compile("(\\d+)([dhms])");

    private final CloudState state;

    KmsApi(CloudState state) {
        this.state = state;
    }

    Product product() {
        return new Product("Kms", VERSION, "kms", this::resource)
                .write("CreateSecret", this::createSecret)
                .write("PutSecretValue", this::putSecretValue)
                .read("GetSecretValue", this::getSecretValue)
                .read("DescribeSecret", this::describeSecret)
                .read("ListSecretVersionIds", this::listSecretVersionIds)
                .write("RotateSecret", this::rotateSecret);
    }

    private String resource(String accountId, Params params) {
        String name = params.optional("SecretName");
        return name == null ? "acs:kms:" + state.region() + ":" + accountId + ":*"
                : state.secretArn(accountId, secretName(name));
    }

    /** SecretName may be a name or a secret ARN. */
    private static String secretName(String nameOrArn) {
        Matcher arn = SECRET_ARN.matcher(nameOrArn);
        return arn.matches() ? arn.group(1) : nameOrArn;
    }

    private Map<String, Object> createSecret(Call call) {
        Params p = call.params();
        String name = p.required("SecretName");
        if (!SECRET_NAME.matcher(name).matches()) {
            throw invalid("The SecretName contains invalid characters or is too long.");
        }
        String versionId = p.required("VersionId");
        String data = p.required("SecretData");
        String dataType = dataType(p);
        String type = p.optional("SecretType") == null ? GENERIC : p.get("SecretType");
        boolean ramCredentials = type.equalsIgnoreCase(RAM_CREDENTIALS) || type.equalsIgnoreCase("RamCredentials");
        if (!type.equals(GENERIC) && !ramCredentials) {
            throw invalid("The emulator supports SecretType Generic and RAMCredentials only.");
        }
        boolean rotation = Boolean.parseBoolean(p.optional("EnableAutomaticRotation"));
        long interval = interval(p.optional("RotationInterval"), rotation);
        String extendedConfig = p.optional("ExtendedConfig");
        String ramUser = ramCredentials ? ramUserOf(extendedConfig) : null;
        return state.locked(m -> {
            Account account = RamApi.account(m, call);
            if (account.secrets.containsKey(name)) {
                throw ApiException.conflict("Rejected.ResourceExist", "The secret already exists.");
            }
            String stored = data;
            if (ramCredentials) {
                stored = ramCredentialData(m, account, ramUser, data, call.now());
            }
            Secret secret = new Secret(name, ramCredentials ? RAM_CREDENTIALS : GENERIC, call.now());
            secret.description = p.optional("Description") == null ? "" : p.get("Description");
            secret.extendedConfig = extendedConfig;
            secret.automaticRotation = rotation && ramCredentials;
            secret.rotationIntervalSeconds = interval;
            secret.promote(new SecretVersion(versionId, stored, dataType, call.now()), call.now());
            account.secrets.put(name, secret);
            return obj("Arn", state.secretArn(account.id, name), "SecretName", name, "VersionId", versionId,
                    "SecretType", secret.type, "AutomaticRotation", automaticRotation(secret),
                    "RotationInterval", rotationInterval(secret), "NextRotationDate", nextRotation(secret),
                    "ExtendedConfig", extendedConfig);
        });
    }

    private Map<String, Object> putSecretValue(Call call) {
        Params p = call.params();
        String name = secretName(p.required("SecretName"));
        String versionId = p.required("VersionId");
        String data = p.required("SecretData");
        String dataType = dataType(p);
        Set<String> stages = stages(p.optional("VersionStages"));
        return state.locked(m -> {
            Secret secret = secret(m, call, name);
            if (!secret.type.equals(GENERIC)) {
                throw invalid("PutSecretValue is supported for Generic secrets only.");
            }
            var existing = secret.version(versionId);
            if (existing.isPresent()) {
                if (!existing.get().data.equals(data)) {
                    throw ApiException.conflict("Rejected.ResourceExist",
                            "The version already exists with different secret data.");
                }
                return versionJson(secret, existing.get());
            }
            SecretVersion version = new SecretVersion(versionId, data, dataType, call.now());
            if (stages.contains(CURRENT)) {
                secret.promote(version, call.now());
            } else {
                secret.versions.add(version);
            }
            for (String stage : stages) {
                if (!stage.equals(CURRENT)) {
                    secret.versions.forEach(v -> v.stages.remove(stage));
                    version.stages.add(stage);
                }
            }
            return versionJson(secret, version);
        });
    }

    private static Map<String, Object> versionJson(Secret secret, SecretVersion version) {
        return obj("SecretName", secret.name, "VersionId", version.versionId,
                "VersionStages", wrap("VersionStage", List.copyOf(version.stages)));
    }

    private Map<String, Object> getSecretValue(Call call) {
        Params p = call.params();
        String name = secretName(p.required("SecretName"));
        String versionId = p.optional("VersionId");
        String stage = p.optional("VersionStage");
        boolean withConfig = Boolean.parseBoolean(p.optional("FetchExtendedConfig"));
        return state.locked(m -> {
            Secret secret = secret(m, call, name);
            SecretVersion version = (versionId != null ? secret.version(versionId)
                    : secret.byStage(stage == null ? CURRENT : stage))
                    .filter(v -> stage == null || v.stages.contains(stage))
                    .orElseThrow(() -> ApiException.notFound("Forbidden.ResourceNotFound",
                            "The specified secret version or stage does not exist."));
            return obj("SecretName", secret.name, "VersionId", version.versionId,
                    "CreateTime", Times.format(version.createTime), "SecretData", version.data,
                    "SecretDataType", version.dataType,
                    "VersionStages", wrap("VersionStage", List.copyOf(version.stages)),
                    "SecretType", secret.type, "AutomaticRotation", automaticRotation(secret),
                    "RotationInterval", rotationInterval(secret), "NextRotationDate", nextRotation(secret),
                    "LastRotationDate", Times.format(secret.lastRotationDate),
                    "ExtendedConfig", withConfig ? secret.extendedConfig : null);
        });
    }

    private Map<String, Object> describeSecret(Call call) {
        String name = secretName(call.params().required("SecretName"));
        return state.locked(m -> {
            Secret secret = secret(m, call, name);
            return obj("SecretName", secret.name, "Arn", state.secretArn(call.caller().accountId(), secret.name),
                    "Description", secret.description, "CreateTime", Times.format(secret.createTime),
                    "UpdateTime", Times.format(secret.updateTime), "SecretType", secret.type,
                    "AutomaticRotation", automaticRotation(secret), "RotationInterval", rotationInterval(secret),
                    "NextRotationDate", nextRotation(secret),
                    "LastRotationDate", Times.format(secret.lastRotationDate),
                    "ExtendedConfig", secret.extendedConfig, "Tags", wrap("Tag", List.of()));
        });
    }

    private Map<String, Object> listSecretVersionIds(Call call) {
        Params p = call.params();
        String name = secretName(p.required("SecretName"));
        boolean includeDeprecated = Boolean.parseBoolean(p.optional("IncludeDeprecated"));
        Integer pageNumberParam = p.integer("PageNumber", 1, Integer.MAX_VALUE);
        Integer pageSizeParam = p.integer("PageSize", 1, 100);
        int pageNumber = pageNumberParam == null ? 1 : pageNumberParam;
        int pageSize = pageSizeParam == null ? 20 : pageSizeParam;
        return state.locked(m -> {
            Secret secret = secret(m, call, name);
            List<SecretVersion> versions = secret.versions.stream()
                    .filter(v -> includeDeprecated || !v.stages.isEmpty())
                    .toList();
            List<Map<String, Object>> page = new ArrayList<>();
            int from = (int) Math.min((long) (pageNumber - 1) * pageSize, versions.size());
            for (SecretVersion v : versions.subList(from, Math.min(from + pageSize, versions.size()))) {
                page.add(obj("VersionId", v.versionId, "CreateTime", Times.format(v.createTime),
                        "VersionStages", wrap("VersionStage", List.copyOf(v.stages))));
            }
            return obj("SecretName", secret.name, "PageNumber", pageNumber, "PageSize", pageSize,
                    "TotalCount", versions.size(), "VersionIds", wrap("VersionId", page));
        });
    }

    /**
     * Rotates a RAMCredentials secret at once (the real service takes minutes): a new AccessKey is created
     * for the secret's RAM user, the key of the current version is deleted, and the new pair becomes
     * ACSCurrent. A VersionId that already exists makes the call a successful no-op.
     */
    private Map<String, Object> rotateSecret(Call call) {
        Params p = call.params();
        String name = secretName(p.required("SecretName"));
        String versionId = p.required("VersionId");
        return state.locked(m -> {
            Account account = RamApi.account(m, call);
            Secret secret = secret(m, call, name);
            Map<String, Object> response = obj("Arn", state.secretArn(account.id, name), "SecretName", name,
                    "VersionId", versionId);
            if (!secret.type.equals(RAM_CREDENTIALS)) {
                throw invalid("RotateSecret is not supported for Generic secrets.");
            }
            if (secret.version(versionId).isPresent()) {
                return response;
            }
            User user = account.users.get(ramUserOf(secret.extendedConfig));
            if (user == null) {
                throw ApiException.notFound("Forbidden.ResourceNotFound", "The RAM user of the secret does not exist.");
            }
            String oldKeyId = secret.byStage(CURRENT).flatMap(v -> CloudState.accessKeyIdIn(v.data)).orElse(null);
            boolean oldKeyOwned = oldKeyId != null && user.keyIds.contains(oldKeyId);
            if (user.keyIds.size() >= 2) {
                if (!oldKeyOwned) {
                    throw ApiException.badRequest("Rejected.LimitExceeded",
                            "The RAM user already has two AccessKeys and neither is managed by this secret.");
                }
                RamApi.deleteKey(m, account, oldKeyId);
                oldKeyOwned = false;
            }
            AccessKey key = new AccessKey(Ids.accessKeyId(), Ids.accessKeySecret(), account.id, user.userName,
                    "Active", call.now());
            m.keys.put(key.id, key);
            user.keyIds.add(key.id);
            if (oldKeyOwned) {
                RamApi.deleteKey(m, account, oldKeyId);
            }
            secret.promote(new SecretVersion(versionId, credentialJson(key.id, key.secret, call.now()), "text",
                    call.now()), call.now());
            secret.lastRotationDate = call.now();
            return response;
        });
    }

    // ---------------------------------------------------------------- RAM credential secrets

    private static String ramUserOf(String extendedConfig) {
        if (extendedConfig == null) {
            throw ApiException.missing("ExtendedConfig");
        }
        try {
            JsonNode config = Json.MAPPER.readTree(extendedConfig);
            String userName = config.path("UserName").asText("");
            if (userName.isEmpty()) {
                throw invalid("ExtendedConfig must name the RAM user in UserName.");
            }
            return userName;
        } catch (IOException e) {
            throw invalid("ExtendedConfig is not valid JSON.");
        }
    }

    /**
     * Checks that the given pair belongs to the user and stores it in the form GetSecretValue returns for
     * RAM credentials: {@code {"AccessKeyId","AccessKeySecret","GenerateTimestamp"}}. Creation accepts the
     * documented {@code {"AccessKeys":[{...}]}} or that flat form.
     */
    private static String ramCredentialData(Model m, Account account, String userName, String data, Instant now) {
        User user = account.users.get(userName);
        if (user == null) {
            throw invalid("The RAM user named in ExtendedConfig does not exist.");
        }
        JsonNode pair;
        try {
            JsonNode root = Json.MAPPER.readTree(data);
            pair = root.has("AccessKeys") ? root.path("AccessKeys").path(0) : root;
        } catch (IOException e) {
            throw invalid("SecretData of a RAMCredentials secret must be JSON.");
        }
        String id = pair.path("AccessKeyId").asText("");
        String secret = pair.path("AccessKeySecret").asText("");
        AccessKey key = m.keys.get(id);
        if (key == null || !user.keyIds.contains(id) || !key.secret.equals(secret)) {
            throw invalid("SecretData must hold an AccessKey pair of the RAM user.");
        }
        return credentialJson(id, secret, now);
    }

    private static String credentialJson(String id, String secret, Instant now) {
        return Json.string(obj("AccessKeyId", id, "AccessKeySecret", secret, "GenerateTimestamp", Times.format(now)));
    }

    // ---------------------------------------------------------------- shared

    private static Secret secret(Model m, Call call, String name) {
        Secret secret = RamApi.account(m, call).secrets.get(name);
        if (secret == null) {
            throw ApiException.notFound("Forbidden.ResourceNotFound", "The specified secret does not exist.");
        }
        return secret;
    }

    private static String dataType(Params p) {
        String type = p.optional("SecretDataType") == null ? "text" : p.get("SecretDataType");
        if (!type.equals("text") && !type.equals("binary")) {
            throw invalid("SecretDataType must be text or binary.");
        }
        return type;
    }

    /** VersionStages as the SDK passes it: {@code ["ACSCurrent"]}, {@code {"VersionStage":[...]}} or a bare label. */
    private static Set<String> stages(String text) {
        Set<String> stages = new LinkedHashSet<>();
        if (text == null) {
            stages.add(CURRENT);
            return stages;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            JsonNode list = node.isObject() ? node.path("VersionStage") : node;
            if (list.isArray()) {
                list.forEach(s -> stages.add(s.asText()));
            } else if (list.isTextual()) {
                stages.add(list.asText());
            }
        } catch (IOException e) {
            stages.add(text.trim());
        }
        if (stages.isEmpty() || stages.stream().anyMatch(String::isBlank)) {
            throw invalid("VersionStages is malformed.");
        }
        return stages;
    }

    private static long interval(String text, boolean rotation) {
        if (text == null) {
            if (rotation) {
                throw ApiException.missing("RotationInterval");
            }
            return 0;
        }
        Matcher matcher = INTERVAL.matcher(text.trim());
        if (!matcher.matches()) {
            throw invalid("RotationInterval must look like 7d, 12h, 30m or 3600s.");
        }
        long value = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "d" -> value * 86400;
            case "h" -> value * 3600;
            case "m" -> value * 60;
            default -> value;
        };
    }

    private static String automaticRotation(Secret secret) {
        if (secret.type.equals(GENERIC)) {
            return "Invalid";
        }
        return secret.automaticRotation ? "Enabled" : "Disabled";
    }

    private static String rotationInterval(Secret secret) {
        return secret.rotationIntervalSeconds > 0 ? secret.rotationIntervalSeconds + "s" : null;
    }

    private static String nextRotation(Secret secret) {
        if (!secret.automaticRotation || secret.rotationIntervalSeconds == 0) {
            return null;
        }
        Instant last = secret.lastRotationDate != null ? secret.lastRotationDate : secret.createTime;
        return Times.format(last.plusSeconds(secret.rotationIntervalSeconds));
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("InvalidParameter", message);
    }
}
