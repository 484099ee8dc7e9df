package dev.casebook.server.llm;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** True when {@code casebook.models.planner} names a model and where to reach it: beans that need an LLM. */
public final class PlannerConfigured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return Binder.get(context.getEnvironment()).bind("casebook.models", ModelSettings.class)
                .map(settings -> settings.planner().configured()).orElse(false);
    }
}
