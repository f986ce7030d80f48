-- mart: attribution_cost
-- grain: one row per channel × campaign × creator × note ('' where the spend row names none)
-- key: channel, campaign, creator_id, note_id
-- description: What was paid, for ROI and CPA: spend rows, plus notes.cost for notes whose fee is not already a spend row (counted on channel 'kol').
WITH s AS (
    SELECT channel, COALESCE(campaign, '') AS campaign, COALESCE(creator_id, '') AS creator_id,
           COALESCE(note_id, '') AS note_id, amount, date AS day
    FROM stg_spend
), fees AS (
    SELECT 'kol' AS channel, '' AS campaign, COALESCE(n.creator_id, '') AS creator_id, n.note_id,
           n.cost AS amount, CAST(n.published_at AS DATE) AS day
    FROM stg_notes n
    WHERE n.cost > 0
      AND NOT EXISTS (SELECT 1 FROM stg_spend x WHERE x.note_id = n.note_id)
), a AS (
    SELECT * FROM s
    UNION ALL
    SELECT * FROM fees
)
SELECT channel, campaign, creator_id, note_id,
       CAST(SUM(CAST(amount AS DECIMAL(38, 10))) AS DOUBLE) AS cost
FROM a
GROUP BY channel, campaign, creator_id, note_id
