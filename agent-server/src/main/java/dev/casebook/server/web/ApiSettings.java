package dev.casebook.server.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * API limits ({@code casebook.api.*}).
 *
 * @param maxBodyBytes largest JSON or NDJSON request body accepted (uploads are limited by
 *                     {@code spring.servlet.multipart.max-file-size})
 */
@ConfigurationProperties("casebook.api")
record ApiSettings(Long maxBodyBytes) {
    ApiSettings {
        maxBodyBytes = maxBodyBytes == null ? 10L * 1024 * 1024 : maxBodyBytes;
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("casebook.api.max-body-bytes must be positive, was " + maxBodyBytes);
        }
    }
}
