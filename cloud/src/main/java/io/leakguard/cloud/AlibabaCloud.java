package io.leakguard.cloud;

import com.aliyuncs.auth.AlibabaCloudCredentialsProvider;

/** The gateways of one set of credentials, built once per service and shared by its threads. */
public final class AlibabaCloud implements AutoCloseable {

  private final CloudCaller caller;
  private final RamGateway ram;
  private final KmsGateway kms;
  private final StsGateway sts;
  private final ActionTrailGateway actionTrail;
  private final SecurityCenterGateway securityCenter;

  private AlibabaCloud(CloudCaller caller) {
    this.caller = caller;
    this.ram = new RamGateway(caller);
    this.kms = new KmsGateway(caller);
    this.sts = new StsGateway(caller);
    this.actionTrail = new ActionTrailGateway(caller);
    this.securityCenter = new SecurityCenterGateway(caller);
  }

  /** The gateways over an existing caller (one account's credentials and rate limits). */
  public static AlibabaCloud of(CloudCaller caller) {
    return new AlibabaCloud(caller);
  }

  /** Credentials from the default chain only: environment, RRSA/OIDC, ECS RAM role, credentials URI. */
  public static AlibabaCloud fromDefaultChain(CloudSettings settings) {
    return with(settings, new DefaultChainCredentials(settings));
  }

  /** Explicit credentials: for probing a leaked key's liveness, and for tests. */
  public static AlibabaCloud with(CloudSettings settings, AlibabaCloudCredentialsProvider credentials) {
    return of(new CloudCaller(settings, credentials));
  }

  public RamGateway ram() {
    return ram;
  }

  public KmsGateway kms() {
    return kms;
  }

  public StsGateway sts() {
    return sts;
  }

  public ActionTrailGateway actionTrail() {
    return actionTrail;
  }

  public SecurityCenterGateway securityCenter() {
    return securityCenter;
  }

  @Override
  public void close() {
    caller.close();
  }
}
