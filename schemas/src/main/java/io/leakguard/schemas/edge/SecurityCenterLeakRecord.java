package io.leakguard.schemas.edge;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One Alibaba Cloud Security Center AccessKey-leak record, with the fields of {@code DescribeAccesskeyLeakList} and
 * {@code DescribeAccessKeyLeakDetail} as the API returns them.
 */
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
    @JsonProperty("WhitelistStatus") String whitelistStatus) {

  /** The leaked key's ID must have an AccessKey ID's shape ({@link EdgeLimits}); the rest is free text. */
  public SecurityCenterLeakRecord {
    accesskeyId = EdgeLimits.accessKeyId("AccesskeyId", accesskeyId);
  }
}
