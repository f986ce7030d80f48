-- mart: note_text
-- grain: one row per note
-- key: note_id
-- description: Public note text (title, body, brand, product) for the text analyses; no user data.
SELECT note_id, brand, product, COALESCE(title, '') AS title, COALESCE(body, '') AS body
FROM stg_notes
