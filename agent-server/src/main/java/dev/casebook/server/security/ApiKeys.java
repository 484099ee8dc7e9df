package dev.casebook.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Resolves API keys to tenants: configured hashes first, then the {@code api_keys} table. Keys are never stored. */
@Component
public class ApiKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecuritySettings settings;
    private final ApiKeyRepository table;

    ApiKeys(SecuritySettings settings, ApiKeyRepository table) {
        this.settings = settings;
        this.table = table;
    }

    public Optional<String> tenantOf(String key) {
        String hash = sha256(key);
        for (SecuritySettings.ConfiguredKey k : settings.apiKeys()) {
            if (MessageDigest.isEqual(k.sha256().getBytes(StandardCharsets.US_ASCII),
                    hash.getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(k.tenant());
            }
        }
        return table.findById(hash).map(e -> e.tenant);
    }

    /** Creates a random key for the tenant, stores its hash, and returns the key (shown once). */
    public String create(String tenant, String name) {
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("tenant must not be blank");
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String key = "cb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        table.save(new ApiKeyEntity(sha256(key), tenant, name, Instant.now()));
        return key;
    }

    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
