package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.KeyPlausibility;
import io.leakguard.testkit.SyntheticKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The categories an outside corpus found missed or mistaken, each rebuilt here from the styles that public
 * documentation and SDK samples use, with keys generated at test time: STS action names, patterned fake IDs, IDs
 * split in code, repeated and legacy IDs, pairing by structure, and base64 wrapped across lines.
 */
class ScannerStructureTest {

  private final Scanner scanner = new Scanner();

  // --- STS action names are not STS AccessKey IDs ---

  @ParameterizedTest
  @ValueSource(strings = {"STS.GetCallerIdentity", "STS.AssumeRoleWithOIDC", "STS.AssumeRoleWithSAML",
      "STS.GetFederationToken", "STS.AssumeRoleWithServiceIdentity",
      "STS.getCallerIdentity", "STS.assumeRoleWithOIDC"}) // lower camel: the JavaScript SDK's method names
  void shouldNotTakeAnStsActionForAnStsId(String action) {
    String doc = "Call `" + action + "` to get temporary credentials.\n"
        + "client.do_action(" + action + "Request())\n" + "action: " + action + "\n";

    assertEquals(List.of(), scanner.scanEveryOccurrence(doc));
  }

  @Test
  void shouldStillFindARealStsIdNextToAnAction() {
    String id = SyntheticKeys.stsAccessKeyId();

    List<Finding> findings = scanner.scan("STS.GetCallerIdentity returned for " + id + "\n");

    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).toList());
  }

  // --- patterned fake IDs ---

  @ParameterizedTest
  @ValueSource(strings = {"LTAI5tAbCdEfGhIjKlMnOpQr", "LTAI5ta1b2c3d4e5f6g7h8i9", "LTAI5tQwErTyUiOp12345678",
      "LTAI5tXyXyXyXyXyXyXyXyXy", "LTAI5tZyXwVuTsRqPoNmLkJi", "LTAI5tab12ab12ab12ab12ab"})
  void shouldNotReportPatternedIds(String placeholder) {
    String text = "accessKeyId: " + placeholder + "\naccessKeySecret: " + SyntheticKeys.secret() + "\n";

    assertEquals(List.of(), scanner.scan(text));
  }

  // --- IDs split in code ---

  static Stream<Arguments> concatenations() {
    return Stream.of(
        Arguments.of("java", "String id = \"%1$s\" + \"%2$s\";"),
        Arguments.of("java-lines", "String id = \"%1$s\"\n    + \"%2$s\";"),
        Arguments.of("csharp", "var id = \"%1$s\" +\n           \"%2$s\";"),
        Arguments.of("js", "const id = '%1$s' + '%2$s';"),
        Arguments.of("ts-template", "const id: string = `%1$s` + `%2$s`;"),
        Arguments.of("python-adjacent", "ACCESS_KEY_ID = (\"%1$s\"\n                 \"%2$s\")"),
        Arguments.of("python-join", "key_id = \"\".join([\"%1$s\", \"%2$s\"])"),
        Arguments.of("js-join", "const id = ['%1$s', '%2$s'].join('');"),
        Arguments.of("php", "$id = '%1$s' . '%2$s';"),
        Arguments.of("go", "id := \"%1$s\" + \"%2$s\""),
        Arguments.of("java-builder", "String id = new StringBuilder(\"%1$s\").append(\"%2$s\").toString();"),
        Arguments.of("shell", "A=\"%1$s\"\nB='%2$s'\nexport ALIBABA_CLOUD_ACCESS_KEY_ID=\"${A}${B}\""),
        Arguments.of("shell-bare", "A=%1$s\nB=%2$s\naliyun configure --access-key-id $A$B"),
        Arguments.of("shell-one-line", "A=%1$s; B='%2$s'; export ALIBABA_CLOUD_ACCESS_KEY_ID=$A$B"),
        Arguments.of("ts-template-literals", "const id = `${\"%1$s\"}${\"%2$s\"}`;"),
        // Fragments assigned to variables, then joined a few lines below.
        Arguments.of("python-variables", "p1 = \"%1$s\"\np2 = \"%2$s\"\nkey_id = p1 + p2"),
        Arguments.of("python-f-string", "a = '%1$s'\nb = '%2$s'\nkey_id = f\"{a}{b}\""),
        Arguments.of("java-constants", "private static final String K1 = \"%1$s\";\n"
            + "private static final String K2 = \"%2$s\";\n\nprivate static final String PAD = \"-\";\n"
            + "private static final String ID = K1 + K2;"),
        Arguments.of("js-template-variables", "const a = '%1$s';\nconst b = '%2$s';\nconst id = `${a}${b}`;"),
        Arguments.of("php-variables", "$a = '%1$s';\n$b = \"%2$s\";\n$id = $a . $b;"),
        Arguments.of("go-variables", "a := \"%1$s\"\nb := \"%2$s\"\ncfg.AccessKeyId = a + b"),
        Arguments.of("lua-variables", "local a = \"%1$s\"\nlocal b = \"%2$s\"\nlocal id = a .. b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("concatenations")
  void shouldReassembleAnIdSplitInCode(String style, String template) {
    // Given an ID split in two, its secret on the next line
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String code = "// config\n" + String.format(template, id.substring(0, 8), id.substring(8))
        + "\nString accessKeySecret = \"" + secret + "\";\n";

    // When
    List<Finding> findings = scanner.scanEveryOccurrence(code);

    // Then the whole ID is found, paired, on the line of its first fragment
    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).distinct().toList(), style);
    Finding finding = findings.get(0);
    assertEquals(KeyForms.fingerprint(secret), finding.secretFingerprint(), style);
    int firstFragmentLine = (int) code.substring(0, code.indexOf(id.substring(0, 8))).chars()
        .filter(c -> c == '\n').count() + 1;
    assertEquals(firstFragmentLine, finding.line(), style);
  }

  @Test
  void shouldNotJoinVariablesThatDoNotHoldAnId() {
    // An "LTAI" prefix joined to a word is not an ID, and a variable assigned nothing literal is not read
    String id = SyntheticKeys.accessKeyId();
    String code = "prefix = \"LTAI\"\nname = \"example\"\nlabel = prefix + name\n"
        + "head = \"" + id.substring(0, 8) + "\"\nlabel = head + os.environ[\"TAIL\"]\n";

    assertEquals(List.of(), scanner.scan(code));
  }

  @Test
  void shouldNotJoinListElementsOutsideAJoinCall() {
    // Two list items are two values, not one split ID
    String id = SyntheticKeys.accessKeyId();

    List<Finding> findings = scanner.scan("ids = [\"" + id.substring(0, 8) + "\", \"" + id.substring(8) + "\"]\n");

    assertEquals(List.of(), findings);
  }

  // --- every occurrence, and legacy IDs ---

  @Test
  void shouldReportEveryOccurrenceInAnIncidentNote() {
    // Given a markdown note: the pair near the top, the ID again far below
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    StringBuilder note = new StringBuilder("# Incident 42\n\n```\nAccessKeyId: " + id + "\nAccessKeySecret: "
        + secret + "\n```\n");
    for (int i = 0; i < 40; i++) {
      note.append("Timeline entry ").append(i).append(": nothing to see.\n");
    }
    note.append("\nThe key `").append(id).append("` was deleted at 10:42.\n");

    // When
    List<Finding> findings = scanner.scanEveryOccurrence(note.toString());

    // Then both places, each with the pair's secret
    assertEquals(List.of(4, 48), findings.stream().map(Finding::line).toList());
    assertTrue(findings.stream().allMatch(f -> KeyForms.fingerprint(secret).equals(f.secretFingerprint())));
    assertEquals(1, scanner.scan(note.toString()).size(), "the pipeline still gets one per key");
  }

  @Test
  void shouldReportBothCopiesOfARequestInAHarFile() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String har = "{\"log\":{\"entries\":[\n"
        + "{\"request\":{\"url\":\"https://ecs.aliyuncs.com/?AccessKeyId=" + id + "&Action=DescribeInstances\"}},\n"
        + "{\"request\":{\"postData\":{\"text\":\"{\\\"accessKeyId\\\":\\\"" + id
        + "\\\",\\\"accessKeySecret\\\":\\\"" + secret + "\\\"}\"}}}\n]}}\n";

    List<Finding> findings = scanner.scanEveryOccurrence(har);

    assertEquals(List.of(2, 3), findings.stream().map(Finding::line).toList());
    assertTrue(findings.stream().allMatch(f -> KeyForms.fingerprint(secret).equals(f.secretFingerprint())));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-03-02 10:11:12 INFO  OssClient - request signed with accessKeyId=%s, region=cn-hangzhou",
      "{\"level\":\"warn\",\"msg\":\"signature mismatch\",\"AccessKeyId\":\"%s\"}",
      "WARN [sdk] env ALIBABA_CLOUD_ACCESS_KEY_ID=%s used from 203.0.113.7",
      "<AccessKeyId>%s</AccessKeyId>",
      "2026-03-02 10:11:12 INFO  OSSClient init ak=%s endpoint=oss-cn-hangzhou.aliyuncs.com",
      "[DEBUG] > Authorization: OSS %s:kZoYNv66bsmc10+dcGKw5x2PRrk=",
      "2026-03-02 10:11:12 WARN AccessKeyId [%s] is disabled",
      "config.setAccessKeyId(\"%s\");",
      "<input type=\"hidden\" name=\"OSSAccessKeyId\" value=\"%s\">",
      "<property>\n  <name>fs.oss.accessKeyId</name>\n  <value>%s</value>\n</property>",
      "2026-03-02 10:11:12 INFO odps.Client - connecting with accessId=%s project=ods",
      "{\"accessId\": \"%s\", \"project\": \"ods\"}",
      "access_key: %s",
      "UserName,AccessKey ID,Status\nci-bot,%s,Active",
      "| AccessKeyId | Status |\n|---|---|\n| %s | Active |",
      "docker run -e ALIYUN_ACCESSKEYID=%s app",
      "ACCESS-KEY-ID=%s",
      "export OSS_ACCESS_KEY=%s",
      "ODPS_ACCESS_ID=%s",
      "Authorization: LOG %s:m5oOHvmnSPzCtJ+nfqDuUWmSeFk=",
      "Authorization: MNS %s:kZoYNv66bsmc10+dcGKw5x2PRrk=",
      "Authorization: OSS4-HMAC-SHA256 Credential=%s/20261130/cn-hangzhou/oss/aliyun_v4_request,Signature=4a5b",
      "Authorization: ACS3-HMAC-SHA256 Credential=%s,SignedHeaders=host;x-acs-action,Signature=0656",
  })
  void shouldFindLegacyIdsWithoutPrefixByTheirKeyName(String line) {
    String legacy = legacyId();

    List<Finding> findings = scanner.scan(String.format(line, legacy) + "\n");

    assertEquals(List.of(legacy), findings.stream().map(Finding::accessKeyId).toList());
  }

  @Test
  void shouldPairLegacyIdsInATablesColumns() {
    // Given the console's AccessKey download (a CSV) and a TSV export of two users
    String first = legacyId();
    String second = legacyId();
    String firstSecret = SyntheticKeys.secret();
    String secondSecret = SyntheticKeys.secret();
    String csv = "AccessKey ID,AccessKey Secret\r\n" + first + "," + firstSecret + "\r\n";
    String tsv = "UserName\tAccessKeyId\tAccessKeySecret\tStatus\nci\t" + first + "\t" + firstSecret
        + "\tActive\ndeploy\t" + second + "\t" + secondSecret + "\tActive\n";

    // Then every row's ID, paired with the secret in its row
    assertPaired(csv, first, firstSecret);
    List<Finding> findings = scanner.scan(tsv);
    assertEquals(List.of(first, second), findings.stream().map(Finding::accessKeyId).toList());
    assertEquals(List.of(KeyForms.fingerprint(firstSecret), KeyForms.fingerprint(secondSecret)),
        findings.stream().map(Finding::secretFingerprint).toList());
  }

  @Test
  void shouldReadOnlyTheAccessKeyIdColumnOfATable() {
    // Random 16-character values in other columns, and under a header that names no ID, are not IDs
    String table = "RequestId,AccessKeyId,TraceId\n" + legacyId() + ",-," + legacyId() + "\n";
    String other = "AccessKeyLabel,Note\n" + legacyId() + ",rotated\n";

    assertEquals(List.of(), scanner.scan(table));
    assertEquals(List.of(), scanner.scan(other));
  }

  @Test
  void shouldNotTakeAnySixteenCharacterValueForALegacyId() {
    assertEquals(List.of(), scanner.scan("request_id=" + legacyId() + " trace=" + legacyId() + "\n"));
    assertEquals(List.of(), scanner.scan("accessKeyIdentifier=" + legacyId() + "\n"));
    assertEquals(List.of(), scanner.scan("bak=" + legacyId() + " k=" + legacyId() + "\n"));
    assertEquals(List.of(), scanner.scan("SECRET_ACCESS_KEY=" + legacyId() + "\nsecret_access_key: " + legacyId()
        + "\nACCESS_TOKEN=" + legacyId() + "\n"));
  }

  // --- pairing by structure ---

  @Test
  void shouldPairNeighbouringXmlPropertyElements() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String xml = "<configuration>\n  <property>\n    <name>fs.oss.accessKeyId</name>\n    <value>" + id
        + "</value>\n  </property>\n  <property>\n    <name>fs.oss.endpoint</name>\n"
        + "    <value>oss-cn-hangzhou.aliyuncs.com</value>\n  </property>\n  <property>\n"
        + "    <name>fs.oss.accessKeySecret</name>\n    <value>" + secret + "</value>\n  </property>\n"
        + "</configuration>\n";

    assertPaired(xml, id, secret);
  }

  @Test
  void shouldPairNestedYamlKeys() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String yaml = "aliyun:\n  credentials:\n    access-key:\n      id: " + id + "\n    region: cn-shanghai\n"
        + "    endpoint: ecs.cn-shanghai.aliyuncs.com\n    timeout: 30s\n    retries: 3\n    access-secret:\n"
        + "      secret: " + secret + "\n";

    assertPaired(yaml, id, secret);
  }

  @Test
  void shouldPairAPostmanEnvironment() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String postman = "{\n  \"values\": [\n    {\n      \"key\": \"accessKeyId\",\n      \"value\": \"" + id
        + "\",\n      \"type\": \"default\",\n      \"enabled\": true\n    },\n    {\n"
        + "      \"key\": \"accessKeySecret\",\n      \"value\": \"" + secret + "\",\n"
        + "      \"type\": \"secret\",\n      \"enabled\": true\n    }\n  ]\n}\n";

    assertPaired(postman, id, secret);
  }

  @Test
  void shouldPairAJavaSetterOnTheNextLine() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String java = "Config config = new Config();\nconfig.setAccessKeyId(\"" + id + "\");\n"
        + "config.setAccessKeySecret(\"" + secret + "\");\n";

    assertPaired(java, id, secret);
  }

  @Test
  void shouldPairAJsonConfigWithFieldsBetween() {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String json = "{\n  \"accessKeyId\": \"" + id + "\",\n  \"regionId\": \"cn-beijing\",\n"
        + "  \"endpoint\": \"ecs.cn-beijing.aliyuncs.com\",\n  \"connectTimeout\": 5000,\n"
        + "  \"readTimeout\": 10000,\n  \"protocol\": \"HTTPS\",\n  \"accessKeySecret\": \"" + secret + "\"\n}\n";

    assertPaired(json, id, secret);
  }

  @Test
  void shouldPairASecretNamedAsAnAccessKeysTwentyOptionsBelowItsId() {
    // Given a large configuration whose ID and secret have twenty options between them
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    StringBuilder yaml = new StringBuilder("oss:\n  accessKeyId: " + id + "\n");
    for (int i = 0; i < 20; i++) {
      yaml.append("  option").append(i).append(": value").append(i).append('\n');
    }
    yaml.append("  accessKeySecret: ").append(secret).append('\n');

    assertPaired(yaml.toString(), id, secret);
  }

  @Test
  void shouldNotPairAGenericSecretTwentyLinesBelowAnIdOnlyLeak() {
    // Given an ID-only leak and, twenty lines on, another service's secret named only "secret"
    String id = SyntheticKeys.accessKeyId();
    StringBuilder yaml = new StringBuilder("oss:\n  accessKeyId: " + id + "\n");
    for (int i = 0; i < 20; i++) {
      yaml.append("  option").append(i).append(": value").append(i).append('\n');
    }
    yaml.append("sms:\n  secret: ").append(SyntheticKeys.secret()).append('\n');

    List<Finding> findings = scanner.scan(yaml.toString());

    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).toList());
    assertFalse(findings.get(0).secretFound());
  }

  @Test
  void shouldNotPairAPasswordOrTokenWithAnIdOnlyLeak() {
    String id = SyntheticKeys.accessKeyId();
    String text = "ALIBABA_CLOUD_ACCESS_KEY_ID=" + id + "\nDB_PASSWORD=" + SyntheticKeys.secret()
        + "\nGITHUB_TOKEN=" + SyntheticKeys.secret() + "\n";

    List<Finding> findings = scanner.scan(text);

    assertEquals(1, findings.size());
    assertFalse(findings.get(0).secretFound());
  }

  @Test
  void shouldReadNamesAcrossHtmlEntityQuotes() {
    // Given JSON in an HTML attribute, its quotes written as entities: the names are still read
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String paired = "<div data-config=\"{&quot;accessKeyId&quot;:&quot;" + id + "&quot;,&quot;accessKeySecret&quot;:"
        + "&quot;" + secret + "&quot;}\"></div>\n";
    String other = "<div data-config=\"{&quot;accessKeyId&quot;:&quot;" + id + "&quot;,&quot;password&quot;:&#34;"
        + SyntheticKeys.secret() + "&#34;}\"></div>\n";

    assertPaired(paired, id, secret);
    List<Finding> findings = scanner.scan(other);
    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).toList());
    assertFalse(findings.get(0).secretFound(), "a password is not its secret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"requestId", "trace_id", "cacheKey", "encryptionKey", "etag", "refresh_token",
      "session_secret", "COOKIE_SECRET", "webhookSecret", "client_secret", "jwt-secret", "otpSecret",
      "APIGW_APP_SECRET", "dingtalk.app-secret", "WECHAT_APPSECRET", "appSecret"})
  void shouldNotPairAValueNamedAsSomethingElse(String name) {
    // Given an ID-only leak and, two lines on, a random 30-character value named as another thing
    String id = SyntheticKeys.accessKeyId();
    String text = "{\n  \"accessKeyId\": \"" + id + "\",\n  \"region\": \"cn-hangzhou\",\n  \"" + name + "\": \""
        + SyntheticKeys.secret() + "\"\n}\n";

    List<Finding> findings = scanner.scan(text);

    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).toList());
    assertFalse(findings.get(0).secretFound(), name + " is not a secret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"session_access_key_secret", "clientAccessKeySecret", "secret"})
  void shouldPairASecretNamedAsAnAccessKeysWhateverElseItsNameSays(String name) {
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();

    assertPaired("{\n  \"accessKeyId\": \"" + id + "\",\n  \"" + name + "\": \"" + secret + "\"\n}\n", id, secret);
  }

  @Test
  void shouldPairAnIdGivenAsAUserNameWithThePasswordBesideIt() {
    // Given the OSS Maven wagon's server entry: the AccessKey pair as user name and password
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String settings = "<servers>\n  <server>\n    <id>oss-releases</id>\n    <username>" + id
        + "</username>\n    <password>" + secret + "</password>\n  </server>\n</servers>\n";

    assertPaired(settings, id, secret);
  }

  @Test
  void shouldPairIdsAndSecretsOfOneNameFamily() {
    // Given two services' IDs, then their secrets in the same order: distance alone would give both the first
    String oss = SyntheticKeys.accessKeyId();
    String sls = SyntheticKeys.accessKeyId();
    String ossSecret = SyntheticKeys.secret();
    String slsSecret = SyntheticKeys.secret();
    String env = "OSS_ACCESS_KEY_ID=" + oss + "\nSLS_ACCESS_KEY_ID=" + sls + "\nOSS_ACCESS_KEY_SECRET=" + ossSecret
        + "\nSLS_ACCESS_KEY_SECRET=" + slsSecret + "\n";

    List<Finding> findings = scanner.scan(env);

    assertEquals(List.of(oss, sls), findings.stream().map(Finding::accessKeyId).toList());
    assertEquals(KeyForms.fingerprint(ossSecret), findings.get(0).secretFingerprint());
    assertEquals(KeyForms.fingerprint(slsSecret), findings.get(1).secretFingerprint());
  }

  @Test
  void shouldPairAnUnnamedSecretAfterItsIdWhateverTheIdSpells() {
    // Given "ID SECRET" written bare, 2,000 times with fresh keys: the ID before the secret is no key name, even
    // when its random letters end in "id" or hold "pwd" (read as a name, that would hide 1 secret in 400)
    int unpaired = 0;
    for (int n = 0; n < 2_000; n++) {
      String id = SyntheticKeys.accessKeyId();
      String secret = SyntheticKeys.secret();
      List<Finding> findings = scanner.scan(id + " " + secret + "\n" + id + "," + secret + "\n");
      if (findings.size() != 1 || !KeyForms.fingerprint(secret).equals(findings.get(0).secretFingerprint())) {
        unpaired++;
      }
    }

    assertEquals(0, unpaired, "pairs not found of 2,000");
  }

  @Test
  void shouldNotPairAFarSecretThatBelongsToAnotherId() {
    // Given profile a with its ID only, then profile b, ten lines on, with its own pair
    String a = SyntheticKeys.accessKeyId();
    String b = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String text = "[a]\naccess_key_id = " + a + "\n" + "# padding\n".repeat(8) + "[b]\naccess_key_id = " + b
        + "\naccess_key_secret = " + secret + "\n";

    List<Finding> findings = scanner.scan(text);

    assertFalse(findings.get(0).secretFound(), "a has no secret");
    assertEquals(KeyForms.fingerprint(secret), findings.get(1).secretFingerprint());
  }

  // --- base64 wrapped across lines ---

  @ParameterizedTest
  @ValueSource(ints = {64, 76})
  void shouldDecodeBase64WrappedAcrossLines(int width) {
    // Given a config file, base64-encoded and wrapped, the key well inside it
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String config = "# generated\n" + "setting.number = some value of a configuration file\n".repeat(6)
        + "accessKeyId = " + id + "\naccessKeySecret = " + secret + "\n";
    String encoded = Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8));
    StringBuilder wrapped = new StringBuilder("apiVersion: v1\nkind: Secret\ndata:\n  config: |\n");
    for (int i = 0; i < encoded.length(); i += width) {
      wrapped.append("    ").append(encoded, i, Math.min(encoded.length(), i + width)).append('\n');
    }

    assertPaired(wrapped.toString(), id, secret);
  }

  private void assertPaired(String text, String id, String secret) {
    List<Finding> findings = scanner.scan(text);
    assertEquals(List.of(id), findings.stream().map(Finding::accessKeyId).toList());
    assertEquals(KeyForms.fingerprint(secret), findings.get(0).secretFingerprint(), "paired with its secret");
  }

  /** An AccessKey ID of the kind created before the LTAI prefix: 16 random alphanumerics. */
  private static String legacyId() {
    while (true) {
      String candidate = SyntheticKeys.random(16);
      if (!candidate.startsWith("LTAI") && KeyPlausibility.isRandomLooking(candidate, 0, 16)) {
        return candidate;
      }
    }
  }
}
