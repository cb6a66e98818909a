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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STS GetCallerIdentity signed with the leaked pair: it needs no permission, so it answers for any live key, and
 * its answer names the account and the principal. One attempt with short timeouts: a slow answer must not hold the
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
    Liveness answer = probe(io.leakguard.runtime.SyntheticKeys.accessKeyId(),
        new Secret(io.leakguard.runtime.SyntheticKeys.secret()), null);
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (Boolean.FALSE.equals(answer.live())) {
      LOG.info("liveness probe ready: STS answered in {} ms", millis);
    } else {
      LOG.warn("liveness probe: STS did not answer as expected at start ({} ms); probes may report 'unknown'", millis);
    }
  }

  @Override
  public Liveness probe(String accessKeyId, Secret secret, Secret securityToken) {
    var credentials = securityToken == null
        ? new BasicCredentials(accessKeyId, secret.reveal())
        : new BasicSessionCredentials(accessKeyId, secret.reveal(), securityToken.reveal());
    try (AlibabaCloud leaked = AlibabaCloud.with(settings, new StaticCredentialsProvider(credentials))) {
      Identity identity = leaked.sts().callerIdentity();
      return new Liveness(true, CallerIdentity.newBuilder()
          .setIdentityType(identity.identityType())
          .setAccountId(identity.accountId())
          .setArn(identity.arn())
          .setPrincipalId(identity.principalId())
          .build());
    } catch (CloudException e) {
      if (e.errorClass() == CloudErrorClass.DENIED && (e.code().startsWith("InvalidAccessKeyId")
          || e.code().startsWith("InvalidSecurityToken") || e.code().equals("SignatureDoesNotMatch")
          || e.code().equals("SDK.InvalidAccessKeySecret"))) {
        return new Liveness(false, null);
      }
      LOG.info("liveness of a leaked key unknown: {} ({})", e.code(), e.errorClass());
      return Liveness.UNKNOWN;
    }
  }
}
