package dev.casebook.eval.data;

/** The dataset layouts the readers understand. */
public enum DatasetFormat {
    /** A GAIA folder: {@code metadata.jsonl} or {@code metadata.parquet} with attachments beside it. */
    GAIA,
    /** DeepResearcher/verl rows ({@code data_source, prompt, reward_model.ground_truth, extra_info}), JSONL or parquet. */
    VERL,
    /** Memento's {@code {question, ground_truth, data_source}} JSONL. */
    MEMENTO,
    /** SimpleQA's CSV: {@code metadata, question, true_answer}. */
    SIMPLEQA,
    /** FRAMES' CSV: {@code question, true_answer, wikipedia_link_*, reasoning_types, wiki_links}. */
    FRAMES,
    /** Generic JSONL: {@code {id, question, answers[], metadata}}. */
    GENERIC
}
