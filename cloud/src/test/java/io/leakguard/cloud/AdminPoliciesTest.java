package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which custom policy documents are admin-level (RAM policy grammar: a Statement object or array). */
class AdminPoliciesTest {

  @Test
  void shouldCallEverythingOnEveryResourceAdminLevel() {
    assertTrue(AdminPolicies.grantsEverything("""
        {"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""));
    assertTrue(AdminPolicies.grantsEverything("""
        {"Version":"1","Statement":{"Effect":"Allow","Action":["oss:GetObject","RAM:*"],"Resource":["*"]}}"""));
    assertTrue(AdminPolicies.grantsEverything("""
        {"Version":"1","Statement":[{"Effect":"Deny","Action":"ecs:*","Resource":"*"},
          {"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}"""));
  }

  @Test
  void shouldNotCallNarrowerPoliciesAdminLevel() {
    assertFalse(AdminPolicies.grantsEverything("""
        {"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:List*","Resource":"*"}]}"""));
    assertFalse(AdminPolicies.grantsEverything("""
        {"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"acs:oss:*:*:bucket/*"}]}"""));
    assertFalse(AdminPolicies.grantsEverything("""
        {"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"""));
    assertFalse(AdminPolicies.grantsEverything("not json"));
    assertFalse(AdminPolicies.grantsEverything(null));
  }
}
