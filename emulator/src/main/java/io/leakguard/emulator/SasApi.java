package io.leakguard.emulator;

import io.leakguard.emulator.Model.Account;
import io.leakguard.emulator.Model.LeakRecord;
import io.leakguard.emulator.Product.Call;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.leakguard.emulator.Responses.obj;

/**
 * Security Center (product {@code Sas}, version 2018-12-03), its AccessKey-leak calls only, answered from the
 * leak records of the caller's account (fed by {@code POST /admin/keys/{id}/exposed} and
 * {@code POST /admin/security-center/leaks}).
 *
 * <ul>
 *   <li>{@code DescribeAccesskeyLeakList}: {@code Status} (pending|dealed), {@code Query} (exact AccessKey ID),
 *       {@code StartTs} (ms, first detection at or after), {@code PageSize} (1..100, default 20),
 *       {@code CurrentPage} (default 1). Items carry {@code GmtModified} as epoch milliseconds (the first detection)
 *       and the array is bare ({@code "AccessKeyLeakList":[...]}), as the API's metadata describes it.
 *       https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-describeaccesskeyleaklist
 *       The order is not documented; the emulator returns records oldest first (by ID).</li>
 *   <li>{@code DescribeAccessKeyLeakDetail}: {@code Id}; {@code GmtModified} (latest detection) and {@code DealTime}
 *       as {@code yyyy-MM-dd HH:mm:ss}.
 *       https://www.alibabacloud.com/help/en/security-center/developer-reference/api-sas-2018-12-03-describeaccesskeyleakdetail</li>
 *   <li>{@code ModifyAccessKeyLeakDeal}: {@code Id} or {@code IdList}, {@code Type} (manual|disable|add-whitelist,
 *       required), {@code Remark}. A record already handled is left as it is (the call succeeds).
 *       https://www.alibabacloud.com/help/en/security-center/latest/api-doc-sas-2018-12-03-api-doc-modifyaccesskeyleakdeal</li>
 * </ul>
 *
 * <p>RAM actions, as the pages above document them: the list is {@code yundun-aegis:DescribeAccesskeyLeakList}
 * (Security Center's former namespace), the detail and the deal are {@code yundun-sas:...}; none supports
 * resource-level authorization.
 *
 * <p>Inferred, not documented: an ID not in the caller's account answers 404 {@code DataNotExist} (Security Center's
 * public error code for missing data); the documented pages list only 403 {@code NoPermission} and 500
 * {@code ServerError}. The detail's times are Beijing time (UTC+8): the documented example has
 * {@code GithubFileUpdateTime} 2021-07-06T09:49:33 and {@code GmtModified} 2021-07-06 17:49:39. {@code disable}
 * marks the record handled but does not disable the key.
 */
final class SasApi {

    static final String VERSION = "2018-12-03";
    static final Set<String> DEAL_TYPES = Set.of("manual", "disable", "add-whitelist");
    private static final DateTimeFormatter SAS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.ofHours(8));

    private final CloudState state;

    SasApi(CloudState state) {
        this.state = state;
    }

    Product product() {
        return new Product("Sas", VERSION, "yundun-sas",
                (accountId, params) -> "acs:yundun-sas:*:" + accountId + ":*")
                .read("DescribeAccesskeyLeakList", "yundun-aegis:DescribeAccesskeyLeakList", this::list)
                .read("DescribeAccessKeyLeakDetail", this::detail)
                .write("ModifyAccessKeyLeakDeal", this::deal);
    }

    private Map<String, Object> list(Call call) {
        Params p = call.params();
        String status = p.optional("Status");
        if (status != null && !status.equals("pending") && !status.equals("dealed")) {
            throw Params.invalid("Status", "must be pending or dealed");
        }
        String query = p.optional("Query");
        Long startTs = longParam(p, "StartTs");
        Integer size = p.integer("PageSize", 1, 100);
        int pageSize = size == null ? 20 : size;
        Integer page = p.integer("CurrentPage", 1, Integer.MAX_VALUE);
        int currentPage = page == null ? 1 : page;
        return state.locked(m -> {
            Account account = m.accounts.get(call.caller().accountId());
            List<LeakRecord> all = account == null ? List.of() : List.copyOf(account.leaks.values());
            List<LeakRecord> matching = all.stream()
                    .filter(l -> status == null || status.equals(l.status))
                    .filter(l -> query == null || query.equals(l.accessKeyId))
                    .filter(l -> startTs == null || l.firstDetected.toEpochMilli() >= startTs)
                    .toList();
            long from = (long) (currentPage - 1) * pageSize;
            List<Map<String, Object>> items = new ArrayList<>();
            for (long i = from; i < Math.min(matching.size(), from + pageSize); i++) {
                LeakRecord l = matching.get((int) i);
                items.add(obj("Id", l.id, "AccesskeyId", l.accessKeyId, "Type", "AccessKey", "Url", l.url,
                        "Asset", l.asset, "Status", l.status, "DealType", l.dealType, "DealTime", sasTime(l.dealTime),
                        "GmtModified", l.firstDetected.toEpochMilli(), "AliUserName", l.aliUserName,
                        "UserType", l.userType));
            }
            long pending = all.stream().filter(l -> l.status.equals("pending")).count();
            Long gmtLast = all.stream().map(l -> l.firstDetected.toEpochMilli()).max(Long::compare).orElse(null);
            return obj("CurrentPage", currentPage, "PageSize", pageSize, "TotalCount", matching.size(),
                    "AkLeakCount", pending, "GmtLast", gmtLast, "AccessKeyLeakList", items);
        });
    }

    private Map<String, Object> detail(Call call) {
        long id = requiredId(call.params());
        return state.locked(m -> {
            LeakRecord l = find(m, call, id);
            return obj("Type", "AccessKey", "AccesskeyId", l.accessKeyId, "Source", l.source,
                    "GithubUser", l.githubUser, "GithubRepoName", l.githubRepoName,
                    "GithubFileName", l.githubFileName, "GithubFileType", l.githubFileType,
                    "GmtModified", sasTime(l.lastDetected), "DealTime", sasTime(l.dealTime),
                    "WhitelistStatus", l.whitelistStatus, "Asset", l.asset, "Remark", l.remark);
        });
    }

    private Map<String, Object> deal(Call call) {
        Params p = call.params();
        String type = p.required("Type");
        if (!DEAL_TYPES.contains(type)) {
            throw Params.invalid("Type", "must be manual, disable or add-whitelist");
        }
        String remark = p.optional("Remark");
        Set<Long> ids = new LinkedHashSet<>();
        if (p.optional("Id") != null) {
            ids.add(requiredId(p));
        }
        ids.addAll(idList(p));
        if (ids.isEmpty()) {
            throw ApiException.missing("Id");
        }
        return state.locked(m -> {
            // All or nothing: every ID is checked before any record changes.
            List<LeakRecord> records = ids.stream().map(id -> find(m, call, id)).toList();
            for (LeakRecord l : records) {
                if (l.status.equals("pending")) {
                    l.status = "dealed";
                    l.dealType = type;
                    l.dealTime = call.now();
                    l.remark = remark;
                    if (type.equals("add-whitelist")) {
                        l.whitelistStatus = "yes";
                    }
                }
            }
            return obj();
        });
    }

    private static LeakRecord find(Model m, Call call, long id) {
        Account account = m.accounts.get(call.caller().accountId());
        LeakRecord l = account == null ? null : account.leaks.get(id);
        if (l == null) {
            throw ApiException.notFound("DataNotExist", "The specified data does not exist.");
        }
        return l;
    }

    private static long requiredId(Params p) {
        p.required("Id");
        return longParam(p, "Id");
    }

    /** {@code IdList} as the RPC repeat-list form ({@code IdList.1=..}) or as a JSON array ({@code IdList=[1,2]}). */
    private static List<Long> idList(Params p) {
        List<Long> ids = new ArrayList<>();
        for (int n = 1; p.optional("IdList." + n) != null; n++) {
            ids.add(longParam(p, "IdList." + n));
        }
        String json = p.optional("IdList");
        if (json != null) {
            String inner = json.trim();
            if (!inner.startsWith("[") || !inner.endsWith("]")) {
                throw Params.invalid("IdList", "must be a JSON array of IDs");
            }
            for (String part : inner.substring(1, inner.length() - 1).split(",")) {
                if (!part.isBlank()) {
                    try {
                        ids.add(Long.parseLong(part.trim()));
                    } catch (NumberFormatException e) {
                        throw Params.invalid("IdList", "must be a JSON array of IDs");
                    }
                }
            }
        }
        return ids;
    }

    private static Long longParam(Params p, String name) {
        String value = p.optional(name);
        if (value == null) {
            return null;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < 0) {
                throw Params.invalid(name, "must not be negative");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw Params.invalid(name, "must be an integer");
        }
    }

    static String sasTime(Instant instant) {
        return instant == null ? null : SAS_TIME.format(instant);
    }
}
