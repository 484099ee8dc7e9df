-- Contrastive failure lessons for dream groups (issue 15, item 3): the rollouts of one dreamed task run more than
-- once are decided together by one item of kind 'group', once they all ended. A rollout keeps the plan, trace and
-- answer the group's failure analysis reads; a group item keeps the negative case it wrote in case_id, its outcome in
-- outcome and its lesson in detail.
ALTER TABLE dream_items ADD COLUMN plan TEXT;
ALTER TABLE dream_items ADD COLUMN trace TEXT;
ALTER TABLE dream_items ADD COLUMN answer TEXT;
