package dev.casebook.tools.search;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Which web search backend to use.
 *
 * @param provider     {@code none}, {@code searxng}, {@code brave} or {@code tavily}
 * @param baseUrl      the backend's base URL; required for SearxNG, defaults to the public API for the others
 * @param apiKey       the API key (Brave, Tavily)
 * @param maxResults   hits returned when the model asks for no count
 * @param timeout      the longest one search may take
 */
public record SearchSettings(String provider, URI baseUrl, String apiKey, int maxResults, Duration timeout) {
    public static final String NONE = "none";
    public static final String SEARXNG = "searxng";
    public static final String BRAVE = "brave";
    public static final String TAVILY = "tavily";

    public SearchSettings {
        provider = provider == null || provider.isBlank() ? NONE : provider.strip().toLowerCase(Locale.ROOT);
        if (!provider.equals(NONE) && !provider.equals(SEARXNG) && !provider.equals(BRAVE) && !provider.equals(TAVILY)) {
            throw new IllegalArgumentException(
                    "unknown search provider '" + provider + "': use none, searxng, brave or tavily");
        }
        if (provider.equals(SEARXNG) && baseUrl == null) {
            throw new IllegalArgumentException("the searxng search provider needs a base URL");
        }
        if ((provider.equals(BRAVE) || provider.equals(TAVILY)) && (apiKey == null || apiKey.isBlank())) {
            throw new IllegalArgumentException("the " + provider + " search provider needs an API key");
        }
        if (maxResults < 1 || maxResults > 50) {
            throw new IllegalArgumentException("maxResults must be between 1 and 50, was " + maxResults);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    public static SearchSettings none() {
        return new SearchSettings(NONE, null, null, 8, Duration.ofSeconds(15));
    }

    @Override
    public String toString() {
        return "SearchSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey="
                + (apiKey == null ? "none" : "***") + ", maxResults=" + maxResults + ", timeout=" + timeout + "]";
    }
}
