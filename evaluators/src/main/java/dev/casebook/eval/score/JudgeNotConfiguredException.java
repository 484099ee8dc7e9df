package dev.casebook.eval.score;

/** A judge scorer was asked for, but no judge model is configured. */
public class JudgeNotConfiguredException extends IllegalArgumentException {
    public JudgeNotConfiguredException(String scorer) {
        super("scorer '" + scorer + "' needs a judge model, and none is configured (casebook.models.judge.base-url and .model, or --judge-base-url and --judge-model)");
    }
}
