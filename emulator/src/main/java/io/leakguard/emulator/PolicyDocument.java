package io.leakguard.emulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed RAM policy document (permission policy or role trust policy).
 *
 * <p>Supported: {@code Statement[]} with {@code Effect} Allow|Deny, {@code Action} / {@code NotAction},
 * {@code Resource}, and for trust policies {@code Principal.RAM} / {@code Principal.Service}; strings or
 * arrays; {@code *} and {@code ?} wildcards. {@code Condition} blocks are accepted and ignored, which is
 * documented in the README: the emulator does not model request context such as source IP conditions.
 */
final class PolicyDocument {

    enum Decision { ALLOW, DENY, NONE }

    private record Statement(boolean allow, List<Pattern> actions, List<Pattern> notActions,
                             List<Pattern> resources, List<Pattern> ramPrincipals) {
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
            List<Pattern> resources = patterns(node.get("Resource"));
            statements.add(new Statement(effect.equals("Allow"), actions, notActions, resources, ramPrincipals));
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
        Decision decision = Decision.NONE;
        for (Statement s : statements) {
            boolean actionMatches = s.actions().isEmpty()
                    ? !anyMatches(s.notActions(), action)
                    : anyMatches(s.actions(), action);
            // A permission statement without Resource is malformed in real RAM; we read it as "*".
            boolean resourceMatches = s.resources().isEmpty() || anyMatches(s.resources(), resource);
            if (actionMatches && resourceMatches) {
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
