package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Message-ID made from a delivery ID: stable, valid (RFC 5322 dot-atom), and distinct for distinct IDs. */
class EmailComposerTest {

  private static final String DOT_ATOM_ID = "<[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
      + "@leakguard>";

  @Test
  void shouldKeepAValidDeliveryIdAsItIs() {
    assertEquals("<inc-7f3a.ROTATED.owner@leakguard>", EmailComposer.messageId("inc-7f3a.ROTATED.owner"));
  }

  @Test
  void shouldReplaceInvalidCharactersAndKeepTwoIdsApart() {
    // When
    String a = EmailComposer.messageId("inc 1:owner@alice");
    String b = EmailComposer.messageId("inc_1:owner@alice");
    String c = EmailComposer.messageId("inc 1;owner@alice");

    // Then
    for (String id : new String[] {a, b, c, EmailComposer.messageId(".."), EmailComposer.messageId(""),
        EmailComposer.messageId(".a..b."), EmailComposer.messageId("<x@y>"), EmailComposer.messageId("密钥")}) {
      assertTrue(id.matches(DOT_ATOM_ID), id);
    }
    assertTrue(a.startsWith("<inc-1-owner-alice."), a);
    assertNotEquals(a, b);
    assertNotEquals(a, c);
    assertEquals(a, EmailComposer.messageId("inc 1:owner@alice"));
  }
}
