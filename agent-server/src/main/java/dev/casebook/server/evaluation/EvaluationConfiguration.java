package dev.casebook.server.evaluation;

import dev.casebook.eval.scoring.ScorerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Wires the plain-Java scorers: the judges only when a judge (or planner) model is configured. */
@Configuration(proxyBeanMethods = false)
class EvaluationConfiguration {
    private static final Logger log = LoggerFactory.getLogger(EvaluationConfiguration.class);

    @Bean
    ScorerRegistry scorerRegistry(Environment environment, EvaluationSettings settings) {
        JudgeModel judge = JudgeModel.bind(environment);
        if (!judge.configured()) {
            log.info("Evaluation: no judge model (casebook.models.judge.*); the judge and simpleqa scorers are unavailable");
            return ScorerRegistry.deterministic();
        }
        return ScorerRegistry.withJudge(judge.chatModel(), settings.judgeAttempts());
    }
}
