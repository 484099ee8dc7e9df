package dev.casebook.server.llm;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The models of the roles, when the planner's is configured; without it there is no {@link Models} bean. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ModelSettings.class)
class LlmConfiguration {

    @Bean
    @Conditional(PlannerConfigured.class)
    Models models(ModelSettings settings) {
        return Models.of(settings);
    }

    /** True when {@code casebook.models.planner} names a model and where to reach it. */
    static final class PlannerConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return Binder.get(context.getEnvironment()).bind("casebook.models", ModelSettings.class)
                    .map(settings -> settings.planner().configured()).orElse(false);
        }
    }
}
