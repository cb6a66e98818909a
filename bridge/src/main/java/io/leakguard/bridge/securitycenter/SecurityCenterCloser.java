package io.leakguard.bridge.securitycenter;

import io.leakguard.bridge.SourceCloser;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.SecurityCenterGateway.DealType;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord.Reference;
import java.util.Optional;
import java.util.Set;

/**
 * Marks a Security Center AccessKey-leak record handled ({@code ModifyAccessKeyLeakDeal}, {@code Type=manual}, with a
 * remark naming the incident) once the incident it started ends ROTATED or NEUTRALIZED. The record and its account
 * come from the incident's {@code source.reference} ({@link Reference}); a reference without an account (written
 * before the poller named it) falls back to the key owner's account. The call is made in that account, through the
 * fleet's role there.
 *
 * <p>Idempotent: Security Center accepts a record handled already. Throttling and 5xx are worth another try; a
 * record or account LeakGuard may not touch (NoPermission) or a record that does not exist is not.
 */
public final class SecurityCenterCloser implements SourceCloser {

  static final Set<RemediationStatus> CLOSING = Set.of(RemediationStatus.ROTATED, RemediationStatus.NEUTRALIZED);

  private final SasAccounts accounts;

  SecurityCenterCloser(SasAccounts accounts) {
    this.accounts = accounts;
  }

  @Override
  public String name() {
    return "security-center";
  }

  @Override
  public boolean handles(RemediationOutcome outcome) {
    return outcome.getSource() != null && outcome.getSource().getType() == LeakSourceType.SECURITY_CENTER
        && CLOSING.contains(outcome.getStatus()) && target(outcome).isPresent();
  }

  @Override
  public String close(RemediationOutcome outcome) throws CloudException {
    Reference record = target(outcome).orElseThrow(() -> new IllegalArgumentException(
        "incident " + outcome.getIncidentId() + " names no Security Center record with its account"));
    String remark = "LeakGuard incident " + outcome.getIncidentId() + ": key " + outcome.getMaskedKey() + " "
        + outcome.getStatus().name().toLowerCase(java.util.Locale.ROOT);
    accounts.securityCenter(record.accountId()).deal(record.id(), DealType.MANUAL, remark);
    return "record " + record.id() + " in account " + record.accountId() + " marked handled";
  }

  @Override
  public boolean retryable(Exception failure) {
    return failure instanceof CloudException e && e.errorClass().retryable();
  }

  /** The record and the account it lives in, when the outcome tells both. */
  static Optional<Reference> target(RemediationOutcome outcome) {
    Optional<Reference> reference = Reference.parse(outcome.getSource().getReference());
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    if (reference.get().accountId() != null) {
      return reference;
    }
    String owner = outcome.getOwner() == null ? null : outcome.getOwner().getAccountId();
    return owner == null ? Optional.empty() : Optional.of(new Reference(reference.get().id(), owner));
  }
}
