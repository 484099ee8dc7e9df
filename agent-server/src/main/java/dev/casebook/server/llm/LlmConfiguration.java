package dev.casebook.server.llm;

import dev.casebook.server.security.SecuritySettings;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

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
}
