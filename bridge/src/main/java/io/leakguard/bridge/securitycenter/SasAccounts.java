package io.leakguard.bridge.securitycenter;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.SecurityCenterGateway;
import java.util.List;

/** The accounts whose Security Center the bridge reads and writes, each through its own credentials. */
interface SasAccounts {

  List<String> accountIds() throws CloudException;

  /** Security Center in one account: the home account's own credentials, or the member's assumed role. */
  SecurityCenterGateway securityCenter(String accountId) throws CloudException;

  /** The fleet LeakGuard is configured with ({@code cloud.fleet}), as the enricher and the remediator use it. */
  static SasAccounts of(CloudFleet fleet) {
    return new SasAccounts() {
      @Override
      public List<String> accountIds() throws CloudException {
        return fleet.accountIds();
      }

      @Override
      public SecurityCenterGateway securityCenter(String accountId) throws CloudException {
        return fleet.account(accountId).securityCenter();
      }
    };
  }
}
