package dev.casebook.server.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** With {@code casebook.security.create-key=TENANT}, creates an API key at start-up and logs it once. */
@Component
class KeyCreation implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(KeyCreation.class);

    private final SecuritySettings settings;
    private final ApiKeys keys;

    KeyCreation(SecuritySettings settings, ApiKeys keys) {
        this.settings = settings;
        this.keys = keys;
    }

    @Override
    public void run(ApplicationArguments args) {
        String tenant = settings.createKey();
        if (tenant != null && !tenant.isBlank()) {
            String key = keys.create(tenant, "created at start-up");
            log.warn("New API key for tenant '{}' (shown once, stored only as its SHA-256): {}", tenant, key);
        }
    }
}
