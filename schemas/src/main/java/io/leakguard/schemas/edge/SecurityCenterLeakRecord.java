package io.leakguard.schemas.edge;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Alibaba Cloud Security Center AccessKey-leak record, with the fields of {@code DescribeAccesskeyLeakList} and
 * {@code DescribeAccessKeyLeakDetail} as the API returns them, plus {@code AccountId}: the account the record was
 * read in, which the API's responses do not carry (the bridge's poller adds it; absent in older records).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecurityCenterLeakRecord(
    @JsonProperty("Id") Long id,
    @JsonProperty("AccesskeyId") String accesskeyId,
    @JsonProperty("Type") String type,
    @JsonProperty("Source") String source,
    @JsonProperty("Url") String url,
    @JsonProperty("Asset") String asset,
    @JsonProperty("GithubRepoName") String githubRepoName,
    @JsonProperty("GithubFileName") String githubFileName,
    @JsonProperty("GmtModified") String gmtModified,
    @JsonProperty("DealType") String dealType,
    @JsonProperty("WhitelistStatus") String whitelistStatus,
    @JsonProperty("AccountId") String accountId) {

  /** The leaked key's ID must have an AccessKey ID's shape ({@link EdgeLimits}); the rest is free text. */
  public SecurityCenterLeakRecord {
    accesskeyId = EdgeLimits.accessKeyId("AccesskeyId", accesskeyId);
    if (accountId != null && !Reference.ACCOUNT.matcher(accountId).matches()) {
      throw new IllegalArgumentException("'AccountId' is not a 16-digit account ID");
    }
  }

  /** A record without the account it was read in (as written before the bridge added it). */
  public SecurityCenterLeakRecord(Long id, String accesskeyId, String type, String source, String url, String asset,
      String githubRepoName, String githubFileName, String gmtModified, String dealType, String whitelistStatus) {
    this(id, accesskeyId, type, source, url, asset, githubRepoName, githubFileName, gmtModified, dealType,
        whitelistStatus, null);
  }

  /** The record's reference, what an incident's {@code source.reference} holds; empty without an {@code Id}. */
  public Optional<Reference> reference() {
    return id == null ? Optional.empty() : Optional.of(new Reference(id, accountId));
  }

  /**
   * Where a Security Center record lives: its ID, and the account when known. Written into an incident's
   * {@code source.reference} as {@code leak record <id> in account <accountId>} (or {@code leak record <id>}), so the
   * bridge can mark the record handled once the key is remediated.
   */
  public record Reference(long id, String accountId) {
    static final Pattern ACCOUNT = Pattern.compile("\\d{16}");
    private static final Pattern TEXT = Pattern.compile("leak record (\\d{1,19})(?: in account (\\d{16}))?");

    public String text() {
      return "leak record " + id + (accountId == null ? "" : " in account " + accountId);
    }

    /** The reference written by {@link #text()}, or empty for any other text. */
    public static Optional<Reference> parse(String text) {
      if (text == null) {
        return Optional.empty();
      }
      Matcher m = TEXT.matcher(text.trim());
      if (!m.matches()) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Reference(Long.parseLong(m.group(1)), m.group(2)));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }
}
