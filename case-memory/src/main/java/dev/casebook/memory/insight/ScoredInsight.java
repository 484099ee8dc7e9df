package dev.casebook.memory.insight;

/** An insight and the cosine similarity between the query's task vector and its family centroid. */
public record ScoredInsight(Insight value, double score) {
}
