package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed RAM policy document (permission policy or role trust policy).
 *
 * <p>Supported: {@code Statement[]} with {@code Effect} Allow|Deny, {@code Action} / {@code NotAction},
 * {@code Resource}, and for trust policies {@code Principal.RAM} / {@code Principal.Service} /
 * {@code Principal.Federated}; strings or arrays; {@code *} and {@code ?} wildcards. In a permission policy, a
 * condition on {@code acs:SourceIp} is evaluated against the caller's address ({@code IpAddress}, {@code NotIpAddress}
 * with addresses or CIDR blocks, as https://www.alibabacloud.com/help/en/ram/access-alibaba-cloud-resources-by-using-a-specific-ip-address-or-cidr-block documents
 * them); conditions on any other key are accepted and ignored, which is documented in the README (the emulator models
 * no other request context). For a federated (OIDC) principal the conditions are evaluated against the
 * token's claims ({@code oidc:iss}, {@code oidc:aud}, {@code oidc:sub}), as an RRSA trust policy needs:
 * {@code StringEquals}, {@code StringLike}, {@code StringNotEquals}, {@code StringNotLike}; any other operator
 * makes the statement not match, so an unsupported condition never widens trust.
 */
final class PolicyDocument {

    enum Decision { ALLOW, DENY, NONE }

    static final String SOURCE_IP = "acs:SourceIp";

    private record Statement(boolean allow, List<Pattern> actions, List<Pattern> notActions,
                             List<Pattern> resources, List<Pattern> ramPrincipals, List<Pattern> federatedPrincipals,
                             List<Condition> conditions) {
    }

    /** One operator/key pair of a Condition block: the key's values must satisfy it for any of {@code values}. */
    private record Condition(String operator, String key, List<String> values) {
    }

    private final String text;
    private final List<Statement> statements;

    private PolicyDocument(String text, List<Statement> statements) {
        this.text = text;
        this.statements = statements;
    }

    /** Parses a document; throws {@link IllegalArgumentException} with a readable reason when malformed. */
    static PolicyDocument parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the policy document is empty");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("the policy document is not valid JSON");
        }
        if (root == null || !root.isObject() || !root.path("Statement").isArray()) {
            throw new IllegalArgumentException("the policy document needs a Statement array");
        }
        List<Statement> statements = new ArrayList<>();
        for (JsonNode node : root.path("Statement")) {
            String effect = node.path("Effect").asText("");
            if (!effect.equals("Allow") && !effect.equals("Deny")) {
                throw new IllegalArgumentException("each statement needs Effect Allow or Deny");
            }
            List<Pattern> actions = patterns(node.get("Action"));
            List<Pattern> notActions = patterns(node.get("NotAction"));
            if (actions.isEmpty() && notActions.isEmpty()) {
                throw new IllegalArgumentException("each statement needs Action or NotAction");
            }
            List<Pattern> ramPrincipals = patterns(node.path("Principal").get("RAM"));
            List<Pattern> federatedPrincipals = patterns(node.path("Principal").get("Federated"));
            List<Pattern> resources = patterns(node.get("Resource"));
            statements.add(new Statement(effect.equals("Allow"), actions, notActions, resources, ramPrincipals,
                    federatedPrincipals, conditions(node.get("Condition"))));
        }
        return new PolicyDocument(text, List.copyOf(statements));
    }

    static PolicyDocument parse(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("the policy document is missing");
        }
        return parse(node.isTextual() ? node.asText() : node.toString());
    }

    String text() {
        return text;
    }

    /** The verdict of this document alone for an action (e.g. {@code ram:ListUsers}) on a resource ARN. */
    Decision evaluate(String action, String resource) {
        return evaluate(action, resource, null);
    }

    /**
     * The verdict for a call from {@code sourceIp} (null: a call with no address, whose {@code acs:SourceIp}
     * conditions never hold).
     */
    Decision evaluate(String action, String resource, String sourceIp) {
        Decision decision = Decision.NONE;
        for (Statement s : statements) {
            boolean actionMatches = s.actions().isEmpty()
                    ? !anyMatches(s.notActions(), action)
                    : anyMatches(s.actions(), action);
            // A permission statement without Resource is malformed in real RAM; we read it as "*".
            boolean resourceMatches = s.resources().isEmpty() || anyMatches(s.resources(), resource);
            boolean conditionsHold = s.conditions().stream().allMatch(c -> holdsForRequest(c, sourceIp));
            if (actionMatches && resourceMatches && conditionsHold) {
                if (!s.allow()) {
                    return Decision.DENY;
                }
                decision = Decision.ALLOW;
            }
        }
        return decision;
    }

    /** Whether this trust policy lets any of the given principal ARNs call sts:AssumeRole. */
    boolean trusts(Collection<String> principalArns) {
        boolean trusted = false;
        for (Statement s : statements) {
            boolean actionMatches = anyMatches(s.actions(), "sts:AssumeRole");
            boolean principalMatches = principalArns.stream().anyMatch(arn -> anyMatches(s.ramPrincipals(), arn));
            if (actionMatches && principalMatches) {
                if (!s.allow()) {
                    return false;
                }
                trusted = true;
            }
        }
        return trusted;
    }

    /**
     * Whether this trust policy lets a token of the given OIDC provider assume the role: a statement allowing
     * {@code sts:AssumeRole} to {@code Principal.Federated} of the provider's ARN whose conditions all hold for the
     * token's claims (e.g. {@code oidc:sub} = {@code system:serviceaccount:<namespace>:<name>}).
     *
     * @param claims condition keys to the values the token gives them ({@code oidc:aud} may have several)
     */
    boolean trustsFederated(String providerArn, Map<String, List<String>> claims) {
        boolean trusted = false;
        for (Statement s : statements) {
            boolean matches = anyMatches(s.actions(), "sts:AssumeRole") && anyMatches(s.federatedPrincipals(), providerArn)
                    && s.conditions().stream().allMatch(c -> holds(c, claims.getOrDefault(c.key(), List.of())));
            if (matches) {
                if (!s.allow()) {
                    return false;
                }
                trusted = true;
            }
        }
        return trusted;
    }

    /**
     * A condition of a permission policy for a call: {@code acs:SourceIp} (condition keys are case-insensitive) is
     * modelled; any other key is ignored. An operator the emulator does not know on a modelled key never holds.
     */
    private static boolean holdsForRequest(Condition c, String sourceIp) {
        if (!c.key().equalsIgnoreCase(SOURCE_IP)) {
            return true;
        }
        List<String> actual = sourceIp == null ? List.of() : List.of(sourceIp);
        return switch (c.operator()) {
            case "IpAddress" -> actual.stream().anyMatch(ip -> c.values().stream().anyMatch(v -> inBlock(v, ip)));
            case "NotIpAddress" -> !actual.isEmpty()
                    && actual.stream().noneMatch(ip -> c.values().stream().anyMatch(v -> inBlock(v, ip)));
            default -> holds(c, actual);
        };
    }

    private static boolean inBlock(String block, String ip) {
        try {
            return Cidr.parse(block).contains(ip);
        } catch (IllegalArgumentException notABlock) {
            return false;
        }
    }

    private static boolean holds(Condition c, List<String> actual) {
        return switch (c.operator()) {
            case "StringEquals" -> actual.stream().anyMatch(c.values()::contains);
            case "StringNotEquals" -> !actual.isEmpty() && actual.stream().noneMatch(c.values()::contains);
            case "StringLike" -> actual.stream().anyMatch(a -> c.values().stream().anyMatch(v -> caseSensitiveGlob(v).matcher(a).matches()));
            case "StringNotLike" -> !actual.isEmpty() && actual.stream().noneMatch(
                    a -> c.values().stream().anyMatch(v -> caseSensitiveGlob(v).matcher(a).matches()));
            default -> false;
        };
    }

    private static List<Condition> conditions(JsonNode node) {
        List<Condition> conditions = new ArrayList<>();
        if (node == null || !node.isObject()) {
            return conditions;
        }
        node.fields().forEachRemaining(operator -> {
            if (!operator.getValue().isObject()) {
                throw new IllegalArgumentException("Condition." + operator.getKey() + " must be an object");
            }
            operator.getValue().fields().forEachRemaining(key -> {
                List<String> values = new ArrayList<>();
                if (key.getValue().isArray()) {
                    key.getValue().forEach(v -> values.add(v.asText()));
                } else {
                    values.add(key.getValue().asText());
                }
                conditions.add(new Condition(operator.getKey(), key.getKey(), List.copyOf(values)));
            });
        });
        return List.copyOf(conditions);
    }

    /** Condition values compare case-sensitively (a service account name is), unlike action and role names. */
    private static Pattern caseSensitiveGlob(String glob) {
        return Pattern.compile(glob(glob).pattern(), Pattern.DOTALL);
    }

    private static boolean anyMatches(List<Pattern> patterns, String value) {
        for (Pattern p : patterns) {
            if (p.matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<Pattern> patterns(JsonNode node) {
        List<Pattern> patterns = new ArrayList<>();
        if (node == null || node.isNull()) {
            return patterns;
        }
        if (node.isArray()) {
            node.forEach(element -> patterns.add(glob(element.asText())));
        } else {
            patterns.add(glob(node.asText()));
        }
        return patterns;
    }

    /** Wildcards as RAM reads them; matching is case-insensitive (action names and role names are). */
    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }
}
