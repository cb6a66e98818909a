package io.leakguard.cloud;

import com.aliyuncs.auth.AlibabaCloudCredentials;
import com.aliyuncs.auth.AlibabaCloudCredentialsProvider;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.exceptions.ClientException;
import com.aliyuncs.sts.model.v20150401.AssumeRoleRequest;
import com.aliyuncs.sts.model.v20150401.AssumeRoleResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials in a member account: STS AssumeRole of the account's LeakGuard role, called with LeakGuard's own
 * credentials (the default chain), cached until shortly before they expire. One refresh at a time per account; other
 * accounts are never held up by it.
 */
public final class AssumedRoleCredentials implements AlibabaCloudCredentialsProvider {

  private static final Logger LOG = LoggerFactory.getLogger(AssumedRoleCredentials.class);

  private final CloudCaller home;
  private final String roleArn;
  private final String sessionName;
  private final Duration duration;
  private final Duration refreshBefore;
  private final Clock clock;
  private BasicSessionCredentials cached;
  private Instant expiresAt = Instant.MIN;
  private int assumed;

  /**
   * @param home          a caller with LeakGuard's own credentials, able to call sts:AssumeRole
   * @param roleArn       the role to assume, {@code acs:ram::<account>:role/<name>}
   * @param sessionName   the session name, visible in the member account's ActionTrail
   * @param duration      the session duration asked for (900 s to the role's maximum)
   * @param refreshBefore how long before expiry the credentials are renewed
   */
  public AssumedRoleCredentials(CloudCaller home, String roleArn, String sessionName, Duration duration,
      Duration refreshBefore, Clock clock) {
    this.home = home;
    this.roleArn = roleArn;
    this.sessionName = sessionName;
    this.duration = duration;
    this.refreshBefore = refreshBefore.compareTo(duration.dividedBy(2)) > 0 ? duration.dividedBy(2) : refreshBefore;
    this.clock = clock;
  }

  @Override
  public synchronized AlibabaCloudCredentials getCredentials() throws ClientException {
    if (cached == null || !clock.instant().isBefore(expiresAt.minus(refreshBefore))) {
      refresh();
    }
    return cached;
  }

  /** How many times the role was assumed: each is a call to STS. */
  public synchronized int assumedCount() {
    return assumed;
  }

  private void refresh() throws ClientException {
    AssumeRoleRequest request = new AssumeRoleRequest();
    request.setRoleArn(roleArn);
    request.setRoleSessionName(sessionName);
    request.setDurationSeconds(duration.toSeconds());
    try {
      AssumeRoleResponse.Credentials credentials = home.call(Product.STS, request).getCredentials();
      cached = new BasicSessionCredentials(credentials.getAccessKeyId(), credentials.getAccessKeySecret(),
          credentials.getSecurityToken(), duration.toSeconds());
      expiresAt = Instant.parse(credentials.getExpiration());
      assumed++;
      LOG.info("assumed {} as session {} until {}", roleArn, sessionName, expiresAt);
    } catch (CloudException e) {
      throw new ClientException(e.code(), "cannot assume " + roleArn + ": " + e.getMessage(), e.requestId());
    }
  }
}
