-- mart: scene_note_comments
-- grain: one row per note × comment text
-- key: note_id, text
-- description: Public comment texts under each note with how often each text was written; no user ids. Scene mining reads them with the note's own text.
SELECT note_id, text, COUNT(*) AS n
FROM stg_comments
WHERE text IS NOT NULL AND note_id IS NOT NULL
GROUP BY note_id, text
