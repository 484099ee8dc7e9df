-- The replay buffer embeds a transition at its tenant's first search, as in the PostgreSQL migration: a transition is
-- stored without embedding and model, and both are set together when a search first needs them.
ALTER TABLE replay_transitions ALTER COLUMN embedding SET NULL;
ALTER TABLE replay_transitions ALTER COLUMN embedding_model SET NULL;
ALTER TABLE replay_transitions ADD CONSTRAINT replay_transitions_embedded_with_model
    CHECK ((embedding IS NULL) = (embedding_model IS NULL));
