package dev.casebook.server.llm;

import dev.casebook.server.security.SecuritySettings;
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
    @Conditional(PlannerConfigured.class)
    Models models(ModelSettings settings) {
        return Models.of(settings);
    }

    @Bean
    RunModels runModels(ModelSettings settings, SecuritySettings security) {
        return new RunModels(settings, security.enabled());
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
