package io.leakguard.detector.scan;

import io.leakguard.cloud.Secret;
import io.leakguard.schemas.CredentialKind;

/**
 * One AccessKey ID seen in a text, with what was found next to it. The secret and the security token are held as
 * {@link Secret}s, so that printing a sighting never prints them.
 *
 * @param accessKeyId   the ID
 * @param kind          {@code RAM_USER_KEY} for {@code LTAI} IDs (the form cannot tell root keys), {@code STS_TOKEN}
 *                      for {@code STS.} IDs
 * @param line          1-based line of the ID, or of the start of the encoded value it was decoded from
 * @param column        1-based column, likewise
 * @param secret        the paired secret, or null
 * @param securityToken the STS security token found next to an STS ID, or null
 */
public record Sighting(String accessKeyId, CredentialKind kind, int line, int column, Secret secret,
                       Secret securityToken) {}
