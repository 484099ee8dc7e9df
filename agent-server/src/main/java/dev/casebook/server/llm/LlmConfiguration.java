package dev.casebook.server.llm;

import dev.casebook.server.security.SecuritySettings;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/** The models of the roles, when the planner's is configured; without it there is no {@link Models} bean. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelSettings.class)
class LlmConfiguration {

    @Bean
    LlmMetrics llmMetrics(ObjectProvider<MeterRegistry> registry) {
        return new LlmMetrics(registry.getIfAvailable());
    }

    @Bean
    @Conditional(PlannerConfigured.class)
    Models models(ModelSettings settings, LlmMetrics metrics) {
        return Models.of(metrics, settings.planner(), settings.executor(), settings.judge());
    }

    @Bean
    RunModels runModels(ModelSettings settings, SecuritySettings security, LlmMetrics metrics) {
        return new RunModels(settings, security.enabled(), metrics);
    }

    @Bean
    ModelStatus modelStatus(ModelSettings settings, Environment environment) {
        return new ModelStatus(settings, environment);
    }

    @Bean
    ModelProbe modelProbe(ModelSettings settings) {
        return new ModelProbe(settings);
    }

    /** The probe runs once the server is ready, in the background: a slow or absent endpoint delays nothing. */
    @EventListener(ApplicationReadyEvent.class)
    void probeModels(ApplicationReadyEvent event) {
        event.getApplicationContext().getBean(ModelProbe.class).start();
    }
}
