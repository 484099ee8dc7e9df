package dev.casebook.server.evaluation;

import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.server.llm.LlmMetrics;
import dev.casebook.server.llm.ModelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java scorers: the judges only when a judge (or planner) model is configured. */
@Configuration(proxyBeanMethods = false)
class EvaluationConfiguration {
    private static final Logger log = LoggerFactory.getLogger(EvaluationConfiguration.class);

    @Bean
    ScorerRegistry scorerRegistry(ModelSettings models, EvaluationSettings settings, LlmMetrics metrics) {
        if (!models.judge().configured()) {
            log.info("Evaluation: no judge model (casebook.models.judge.*); the judge and simpleqa scorers are unavailable");
            return ScorerRegistry.deterministic();
        }
        return ScorerRegistry.withJudge(JudgeModel.of(models.judge(), metrics), settings.judgeAttempts());
    }
}
