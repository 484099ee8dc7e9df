package dev.casebook.server.synthesis;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code casebook.synthesis.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SynthesisSettings.class)
class SynthesisConfiguration {
}
