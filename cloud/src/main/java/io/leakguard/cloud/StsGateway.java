package io.leakguard.cloud;

import com.aliyuncs.sts.model.v20150401.GetCallerIdentityRequest;
import com.aliyuncs.sts.model.v20150401.GetCallerIdentityResponse;

/** Who the caller is. GetCallerIdentity needs no permission, so it also tells whether credentials are live. */
public final class StsGateway {

  /** The caller: its account, its ARN and its kind (Account, RAMUser, AssumedRoleUser). */
  public record Identity(String accountId, String arn, String identityType, String principalId) {}

  private final CloudCaller caller;

  public StsGateway(CloudCaller caller) {
    this.caller = caller;
  }

  public Identity callerIdentity() throws CloudException {
    GetCallerIdentityResponse response = caller.call(Product.STS, new GetCallerIdentityRequest());
    return new Identity(response.getAccountId(), response.getArn(), response.getIdentityType(),
        response.getPrincipalId());
  }
}
