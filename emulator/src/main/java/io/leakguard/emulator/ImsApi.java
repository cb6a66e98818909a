package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakguard.emulator.Model.AccessKey;
import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.NetworkPolicy;
import io.leakguard.emulator.Product.Call;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.leakguard.emulator.Responses.obj;

/**
 * IMS (identity management, version 2019-08-15), its AccessKey network access restriction calls:
 *
 * <ul>
 *   <li>{@code SetAccessKeyPolicy}: {@code UserAccessKeyId} (required), {@code AccessKeyPolicy} (required, JSON:
 *       {@code Version} 1, {@code Status} Active|Inactive, {@code Statements} an array, possibly empty, of
 *       {@code {"Type":"ClassicWhiteList","IPList":[...]}} or {@code {"Type":"VPCWhiteList","Value":"vpc-...",
 *       "IPList":[...]}}, addresses and CIDR blocks, IPv4 or IPv6), {@code UserPrincipalName} (the RAM user's logon
 *       name, {@code name@<account ID or alias>.onaliyun.com}; absent: the caller's own key).
 *       https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-setaccesskeypolicy</li>
 *   <li>{@code GetAccessKeyPolicy}: the same key parameters; answers {@code AccessKeyPolicy} (the document as a
 *       string) and {@code AccessKeyId}.
 *       https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-getaccesskeypolicy</li>
 * </ul>
 *
 * <p>RAM actions {@code ram:SetAccessKeyPolicy} and {@code ram:GetAccessKeyPolicy} on the user
 * ({@code acs:ram:*:<account>:user/<name>}), as the API pages list them. An enforced (Active) policy lets the key call
 * any product only from an address its ClassicWhiteList statements name; it never applies to STS tokens
 * (https://www.alibabacloud.com/help/en/ram/user-guide/accesskey-network-access-restriction-policy). A key without a
 * policy answers {@code {"Version":1,"Status":"Inactive","Statements":[]}}, the form that page and the Terraform
 * provider treat as "no policy".
 *
 * <p>Inferred, not documented: the public pages give no error code for a call the policy refuses; the emulator answers
 * 403 {@code NoPermission} (RAM's code for a refused call) with a message naming the address. A key that is not the
 * user's answers 404 {@code EntityNotExist.User.AccessKey}, as RAM's own AccessKey calls do.
 */
final class ImsApi {

    static final String VERSION = "2019-08-15";
    static final String NO_POLICY = "{\"Version\":1,\"Status\":\"Inactive\",\"Statements\":[]}";
    private static final Set<String> STATUSES = Set.of("Active", "Inactive");
    private static final String DOMAIN = ".onaliyun.com";

    private final CloudState state;

    ImsApi(CloudState state) {
        this.state = state;
    }

    Product product() {
        return new Product("Ims", VERSION, "ram", ImsApi::resource)
                .write("SetAccessKeyPolicy", this::set)
                .read("GetAccessKeyPolicy", this::get);
    }

    /** The user the call is about: {@code acs:ram:*:<account>:user/<name>}, or {@code user/*} for the caller's own. */
    static String resource(String accountId, Params params) {
        String principal = params.optional("UserPrincipalName");
        String user = principal == null || principal.isBlank() ? "*" : principal.split("@", 2)[0];
        return "acs:ram:*:" + accountId + ":user/" + user;
    }

    private Map<String, Object> set(Call call) {
        String keyId = call.params().required("UserAccessKeyId");
        NetworkPolicy policy = parse(call.params().required("AccessKeyPolicy"));
        return state.locked(m -> {
            AccessKey key = key(m, call, keyId);
            key.networkPolicy = policy;
            return obj();
        });
    }

    private Map<String, Object> get(Call call) {
        String keyId = call.params().required("UserAccessKeyId");
        return state.locked(m -> {
            AccessKey key = key(m, call, keyId);
            return obj("AccessKeyPolicy", key.networkPolicy == null ? NO_POLICY : key.networkPolicy.text(),
                    "AccessKeyId", key.id);
        });
    }

    /** The key named by the call, if it belongs to the user the call names (or to the caller). */
    private static AccessKey key(Model m, Call call, String keyId) {
        Account account = m.accounts.get(call.caller().accountId());
        String principal = call.params().optional("UserPrincipalName");
        AccessKey key = m.keys.get(keyId);
        boolean owned;
        if (principal == null || principal.isBlank()) {
            owned = key != null && key.accountId.equals(account.id)
                    && (call.caller().kind() == Caller.Kind.ROOT ? key.isRoot()
                    : !key.isRoot() && key.userName.equals(call.caller().userName()));
        } else {
            String userName = userName(account, principal);
            RamApi.user(account, userName);
            owned = key != null && key.accountId.equals(account.id) && userName.equals(key.userName);
        }
        if (!owned) {
            throw ApiException.notFound("EntityNotExist.User.AccessKey", "The user access key does not exist.");
        }
        return key;
    }

    /** {@code name@<account ID or alias>.onaliyun.com} to the user name, within the caller's account. */
    private static String userName(Account account, String principal) {
        int at = principal.indexOf('@');
        String domain = at < 0 ? "" : principal.substring(at + 1).toLowerCase(Locale.ROOT);
        boolean ours = domain.equals(account.id + DOMAIN)
                || (account.alias != null && domain.equals(account.alias.toLowerCase(Locale.ROOT) + DOMAIN));
        if (at <= 0 || !ours) {
            throw ApiException.notFound("EntityNotExist.User", "The user does not exist.");
        }
        return principal.substring(0, at);
    }

    /** Checks the document's form; throws {@code InvalidParameter.AccessKeyPolicy} with the reason. */
    static NetworkPolicy parse(String text) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw Params.invalid("AccessKeyPolicy", "is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw Params.invalid("AccessKeyPolicy", "must be a JSON object");
        }
        JsonNode version = root.get("Version");
        if (version != null && !version.asText().equals("1")) {
            throw Params.invalid("AccessKeyPolicy", "has Version " + version.asText() + "; it must be 1");
        }
        String status = root.path("Status").asText("");
        if (!STATUSES.contains(status)) {
            throw Params.invalid("AccessKeyPolicy", "needs Status Active or Inactive");
        }
        JsonNode statements = root.get("Statements");
        if (statements == null || !statements.isArray()) {
            throw Params.invalid("AccessKeyPolicy", "needs a Statements array (it may be empty)");
        }
        List<Cidr> classic = new ArrayList<>();
        for (JsonNode statement : statements) {
            String type = statement.path("Type").asText("");
            String value = statement.path("Value").asText("");
            if (type.equals("ClassicWhiteList") && !value.isEmpty()) {
                throw Params.invalid("AccessKeyPolicy", "has a ClassicWhiteList statement with a Value");
            }
            if (type.equals("VPCWhiteList") && value.isEmpty()) {
                throw Params.invalid("AccessKeyPolicy", "has a VPCWhiteList statement without a Value (the VPC)");
            }
            if (!type.equals("ClassicWhiteList") && !type.equals("VPCWhiteList")) {
                throw Params.invalid("AccessKeyPolicy", "has a statement whose Type is neither ClassicWhiteList nor "
                        + "VPCWhiteList");
            }
            JsonNode ips = statement.get("IPList");
            if (ips == null || !ips.isArray() || ips.isEmpty()) {
                throw Params.invalid("AccessKeyPolicy", "has a statement without an IPList");
            }
            for (JsonNode ip : ips) {
                Cidr block;
                try {
                    block = Cidr.parse(ip.asText());
                } catch (IllegalArgumentException e) {
                    throw Params.invalid("AccessKeyPolicy", "has an IPList entry that " + e.getMessage()
                            .replaceFirst("^'[^']*' ", ""));
                }
                if (type.equals("ClassicWhiteList")) {
                    classic.add(block);
                }
            }
        }
        return new NetworkPolicy(text, status.equals("Active"), List.copyOf(classic));
    }
}
