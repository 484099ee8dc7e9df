-- The replay buffer embeds a transition when its tenant's buffer is first searched, not when the task is read
-- (dev.casebook.server.synthesis.ReplayTransitions): a transition is stored without embedding and model, and both are
-- set together by the first search that needs them (an update of rows still without one, so two replicas embedding
-- at once write each row once). Transitions stored before keep their embeddings.
ALTER TABLE replay_transitions ALTER COLUMN embedding DROP NOT NULL;
ALTER TABLE replay_transitions ALTER COLUMN embedding_model DROP NOT NULL;
ALTER TABLE replay_transitions ADD CONSTRAINT replay_transitions_embedded_with_model
    CHECK ((embedding IS NULL) = (embedding_model IS NULL));
