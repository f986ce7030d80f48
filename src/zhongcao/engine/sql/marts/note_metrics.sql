-- mart: note_metrics
-- grain: one row per note
-- key: note_id
-- description: Each note's engagement counts, engagement total, fee and promotion spend, with its creator and sponsorship flag.
WITH promo AS (
    SELECT note_id, CAST(SUM(CAST(amount AS DECIMAL(38, 10))) AS DOUBLE) AS promo_spend FROM stg_spend WHERE note_id IS NOT NULL GROUP BY note_id
)
SELECT n.note_id, n.creator_id, CAST(n.published_at AS DATE) AS day, n.sponsored, n.brand, n.product, n.region,
       COALESCE(n.views, 0) AS views,
       COALESCE(n.likes, 0) AS likes,
       COALESCE(n.collects, 0) AS collects,
       COALESCE(n.comments, 0) AS comments,
       COALESCE(n.shares, 0) AS shares,
       COALESCE(n.likes, 0) + COALESCE(n.collects, 0) + COALESCE(n.comments, 0) + COALESCE(n.shares, 0) AS engagement,
       COALESCE(n.cost, 0.0) AS cost,
       COALESCE(promo.promo_spend, 0.0) AS promo_spend
FROM stg_notes n
LEFT JOIN promo ON promo.note_id = n.note_id
