package dev.casebook.server.security;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Authentication ({@code casebook.security.*}).
 *
 * @param enabled   false allows every request as tenant {@code default}; only allowed on the embedded default
 *                  database with the server bound to a loopback address
 * @param apiKeys   configured keys: a tenant and the SHA-256 hex of the key (never the key itself)
 * @param createKey when set to a tenant name, a new key for it is generated at start-up, stored hashed in the
 *                  {@code api_keys} table and printed once to the log
 */
@ConfigurationProperties("casebook.security")
public record SecuritySettings(Boolean enabled, List<ConfiguredKey> apiKeys, String createKey) {
    public SecuritySettings {
        enabled = enabled == null || enabled;
        apiKeys = List.copyOf(Objects.requireNonNullElse(apiKeys, List.of()));
    }

    public record ConfiguredKey(String tenant, String sha256) {
        public ConfiguredKey {
            if (tenant == null || tenant.isBlank()) {
                throw new IllegalArgumentException("casebook.security.api-keys[].tenant must not be blank");
            }
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(
                        "casebook.security.api-keys[].sha256 must be the 64 hex digits of the key's SHA-256");
            }
            sha256 = sha256.toLowerCase(Locale.ROOT);
        }
    }
}
