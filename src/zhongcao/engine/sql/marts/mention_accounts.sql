-- mart: mention_accounts
-- grain: one row per kind (note, comment) × day × note × text (a comment's; a note's tags) × account age in days at the mention (0–60; 61 = older; empty = no account)
-- key: kind, day, note_id, text, age_days
-- description: Notes (by their creator) and comment texts with the age of the account behind them (days since it was first seen: its first note, comment or touch), and how many mentions and distinct accounts; no account ids. Brand safety finds bursts and fresh-account attacks from it.
WITH seen AS (
    SELECT account, CAST(MIN(ts) AS DATE) AS first_day
    FROM (
        SELECT creator_id AS account, published_at AS ts FROM stg_notes WHERE creator_id IS NOT NULL
        UNION ALL
        SELECT user_id, created_at FROM stg_comments WHERE user_id IS NOT NULL
        UNION ALL
        SELECT user_id, ts FROM stg_exposures WHERE user_id IS NOT NULL
    ) AS a
    GROUP BY account
), m AS (
    SELECT 'note' AS kind, CAST(published_at AS DATE) AS day, note_id, COALESCE(ARRAY_TO_STRING(tags, ' '), '') AS text,
           creator_id AS account
    FROM stg_notes
    UNION ALL
    SELECT 'comment', CAST(created_at AS DATE), note_id, COALESCE(text, ''), user_id
    FROM stg_comments
    WHERE note_id IS NOT NULL
)
SELECT m.kind, m.day, m.note_id, m.text,
       LEAST(DATE_DIFF('day', s.first_day, m.day), 61) AS age_days,
       COUNT(*) AS mentions, COUNT(DISTINCT m.account) AS accounts
FROM m
LEFT JOIN seen s ON s.account = m.account
GROUP BY m.kind, m.day, m.note_id, m.text, LEAST(DATE_DIFF('day', s.first_day, m.day), 61)
