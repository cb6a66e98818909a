package io.leakguard.schemas.edge;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which GitHub secret-scanning alert a sighting came from, as the detector writes it into the sighting's
 * {@code source.reference} ({@code octo-org/octo-repo#42}, GitHub's own short form) and the bridge reads it back from
 * a remediation outcome to resolve the alert. Only names of GitHub's shape are accepted (an owner of 1 to 39 letters,
 * digits and hyphens; a repository of 1 to 100 letters, digits, {@code .}, {@code _} and {@code -}), so the reference
 * can never carry a path, a query or a host: the bridge always calls the API it is configured with.
 *
 * <p>A sighting recorded before this form existed has {@code alert <number>} instead, which names no repository.
 *
 * @param owner      the repository's owner (user or organization)
 * @param repository the repository's name, without the owner
 * @param number     the alert's number within the repository
 */
public record GithubAlertReference(String owner, String repository, long number) {

  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Pattern REFERENCE = Pattern.compile("([^/#\\s]{1,39})/([^/#\\s]{1,100})#([0-9]{1,18})");

  public GithubAlertReference {
    if (owner == null || !OWNER.matcher(owner).matches()) {
      throw new IllegalArgumentException("not a GitHub owner name (1 to 39 letters, digits and hyphens)");
    }
    if (repository == null || !REPOSITORY.matcher(repository).matches() || repository.equals(".")
        || repository.equals("..")) {
      throw new IllegalArgumentException("not a GitHub repository name (1 to 100 letters, digits, '.', '_', '-')");
    }
    if (number <= 0) {
      throw new IllegalArgumentException("an alert number is positive");
    }
  }

  /** The reference of an alert of {@code fullName} ({@code owner/repo}), or empty when the name has no GitHub shape. */
  public static Optional<GithubAlertReference> of(String fullName, long number) {
    if (fullName == null || number <= 0) {
      return Optional.empty();
    }
    int slash = fullName.indexOf('/');
    if (slash < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new GithubAlertReference(fullName.substring(0, slash), fullName.substring(slash + 1),
          number));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Reads {@code owner/repo#number}; empty for anything else (the older {@code alert <number>} form included). */
  public static Optional<GithubAlertReference> parse(String reference) {
    if (reference == null) {
      return Optional.empty();
    }
    Matcher m = REFERENCE.matcher(reference.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new GithubAlertReference(m.group(1), m.group(2), Long.parseLong(m.group(3))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code owner/repo}. */
  public String fullName() {
    return owner + "/" + repository;
  }

  /** {@code owner/repo#number}: the form written into {@code source.reference}. */
  @Override
  public String toString() {
    return fullName() + "#" + number;
  }
}
