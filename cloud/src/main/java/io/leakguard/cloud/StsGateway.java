package io.leakguard.cloud;

import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityResponse;

/** Who the caller is. GetCallerIdentity needs no permission, so it also tells whether credentials are live. */
public final class StsGateway {

  /** The caller: its account, its ARN and its kind (Account, RAMUser, AssumedRoleUser). */
  public record Identity(String accountId, String arn, String identityType, String principalId) {}

  /**
   * What LeakGuard's liveness probe adds to its User-Agent ({@code LeakGuardProbe/1}), which ActionTrail records in
   * the event's {@code userAgent}: the enricher tells the probe's own GetCallerIdentity from the key's real use by it.
   */
  public static final String PROBE_AGENT = "LeakGuardProbe";
  public static final String PROBE_AGENT_VERSION = "1";

  private final CloudCaller caller;

  public StsGateway(CloudCaller caller) {
    this.caller = caller;
  }

  public Identity callerIdentity() throws CloudException {
    return callerIdentity(new GetCallerIdentityRequest());
  }

  /** GetCallerIdentity as LeakGuard's liveness probe: its User-Agent says so ({@link #PROBE_AGENT}). */
  public Identity probeCallerIdentity() throws CloudException {
    GetCallerIdentityRequest request = new GetCallerIdentityRequest();
    request.appendUserAgent(PROBE_AGENT, PROBE_AGENT_VERSION);
    return callerIdentity(request);
  }

  private Identity callerIdentity(GetCallerIdentityRequest request) throws CloudException {
    GetCallerIdentityResponse response = caller.call(Product.STS, request);
    return new Identity(response.getAccountId(), response.getArn(), response.getIdentityType(),
        response.getPrincipalId());
  }
}
