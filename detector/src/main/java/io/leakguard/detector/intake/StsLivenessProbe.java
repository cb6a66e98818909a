package io.leakguard.detector.intake;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.BasicSessionCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.Secret;
import io.leakguard.cloud.StsGateway.Identity;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.ProbeResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STS GetCallerIdentity signed with the leaked pair: it needs no permission, so it answers for any live key, and
 * its answer names the account and the principal. Its User-Agent carries {@code LeakGuardProbe/1}, so the enricher can
 * leave the probe's own call out of the key's use (it is in the key's ActionTrail like any call). One attempt with short timeouts: a slow answer must not hold the
 * detector up, and "unknown" is an acceptable answer.
 */
public final class StsLivenessProbe implements LivenessProbe {

  private static final Logger LOG = LoggerFactory.getLogger(StsLivenessProbe.class);

  private final CloudSettings settings;

  /** @param settings endpoints and timeouts; the probe makes exactly one attempt whatever maxAttempts says */
  public StsLivenessProbe(CloudSettings settings) {
    this.settings = new CloudSettings(settings.region(), settings.endpoints(), settings.connectTimeout(),
        settings.readTimeout(), 1, settings.backoffBase(), settings.backoffCap(), 0);
  }

  /**
   * Probes a synthetic pair that exists nowhere, once, at start. The first SDK call of a JVM costs about a second
   * (client set-up, class loading, the HTTP connection pool); paying it here keeps it off the first real leak, and
   * the answer proves that STS is reachable. Expected answer: not live.
   */
  public void warmUp() {
    long started = System.nanoTime();
    Liveness answer = probe(io.leakguard.cloud.RandomCredentials.accessKeyId(),
        new Secret(io.leakguard.cloud.RandomCredentials.secret()), null);
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (Boolean.FALSE.equals(answer.live())) {
      LOG.info("liveness probe ready: STS answered in {} ms", millis);
    } else {
      LOG.warn("liveness probe: STS did not answer as expected at start ({} ms); probes may report 'unknown'", millis);
    }
  }

  /**
   * What an STS refusal proves. A wrong secret for an existing ID ({@code SignatureDoesNotMatch}, or the SDK's own
   * check of the secret's form) says nothing about the real secret: the ID alone was exposed, and AccessKey IDs are
   * not secret. An unknown ID (or an expired token) cannot be used by anyone; a disabled key can be enabled again, so it is still a leak.
   * Null: not a refusal about the pair.
   */
  static ProbeResult deadFor(String code) {
    if (code.equals("SignatureDoesNotMatch") || code.equals("SDK.InvalidAccessKeySecret")
        || code.equals("IncompleteSignature")) {
      return ProbeResult.SECRET_WRONG;
    }
    if (code.equals("InvalidAccessKeyId.NotFound") || code.equals("InvalidSecurityToken.Expired")) {
      return ProbeResult.KEY_NOT_FOUND;
    }
    if (code.equals("InvalidAccessKeyId.Inactive")) {
      return ProbeResult.KEY_INACTIVE;
    }
    if (code.startsWith("InvalidAccessKeyId") || code.startsWith("InvalidSecurityToken")) {
      return ProbeResult.SECRET_WRONG;
    }
    return null;
  }

  @Override
  public Liveness probe(String accessKeyId, Secret secret, Secret securityToken) {
    var credentials = securityToken == null
        ? new BasicCredentials(accessKeyId, secret.reveal())
        : new BasicSessionCredentials(accessKeyId, secret.reveal(), securityToken.reveal());
    try (AlibabaCloud leaked = AlibabaCloud.with(settings, new StaticCredentialsProvider(credentials))) {
      Identity identity = leaked.sts().probeCallerIdentity();
      return Liveness.valid(CallerIdentity.newBuilder()
          .setIdentityType(identity.identityType())
          .setAccountId(identity.accountId())
          .setArn(identity.arn())
          .setPrincipalId(identity.principalId())
          .build());
    } catch (CloudException e) {
      ProbeResult dead = e.errorClass() == CloudErrorClass.DENIED ? deadFor(e.code()) : null;
      if (dead != null) {
        return Liveness.dead(dead);
      }
      LOG.info("liveness of a leaked key unknown: {} ({})", e.code(), e.errorClass());
      return Liveness.UNREACHABLE;
    }
  }
}
