package io.leakguard.emulator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What the emulator will say about an AccessKey: never its secret.
 *
 * @param userName the owning RAM user, or {@code "root"} for an account's own key
 * @param createDate ISO-8601 UTC
 * @param lastUsed ISO-8601 UTC of the last authenticated call, or null if never used
 * @param exposed whether the key is marked publicly exposed (restrictive protection applies)
 * @param networkPolicy the key's network access restriction policy document (IMS SetAccessKeyPolicy), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyView(String accessKeyId, String accountId, String userName, String status, String createDate,
                      String lastUsed, boolean exposed, String networkPolicy) {

    public static final String ROOT = "root";

    @JsonIgnore
    public boolean isRoot() {
        return ROOT.equals(userName);
    }

    /** "root" or "user/&lt;name&gt;", the owner as the admin state view shows it. */
    @JsonProperty("owner")
    public String owner() {
        return isRoot() ? ROOT : "user/" + userName;
    }
}
