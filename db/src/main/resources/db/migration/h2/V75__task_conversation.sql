-- A task that is the latest message of a chat (POST /v1/chat/completions) keeps the rest of the chat, so that any
-- replica rebuilds its TaskSpec as it was received: the client's instructions, the earlier turns and the sampling
-- parameters, as JSON (dev.casebook.server.agent.Conversation); NULL for a task on its own. As in PostgreSQL.
ALTER TABLE tasks ADD COLUMN conversation VARCHAR(1000000000);
