-- mart: aips_funnel
-- grain: one row per AIPS audience stage
-- key: stage
-- description: Distinct users at each audience layer: aware, interested, deeply interested, purchased, shared (docs/metrics.md defines each).
WITH u AS (
    SELECT user_id,
           MAX(1) AS aware,
           MAX(CASE WHEN action IN ('read', 'like', 'collect', 'comment', 'share', 'search', 'click', 'follow')
                    THEN 1 ELSE 0 END) AS interested,
           MAX(CASE WHEN action = 'read' THEN 1 ELSE 0 END) AS has_read,
           MAX(CASE WHEN action IN ('collect', 'search', 'share') THEN 1 ELSE 0 END) AS has_deep,
           MAX(CASE WHEN action IN ('share', 'comment') THEN 1 ELSE 0 END) AS has_shared
    FROM stg_exposures
    GROUP BY user_id
), b AS (
    SELECT DISTINCT user_id FROM stg_orders
), p AS (
    SELECT DISTINCT user_id FROM stg_surveys WHERE nps >= 9
), staged AS (
    SELECT u.user_id,
           u.aware,
           u.interested,
           u.has_read * u.has_deep AS deep,
           CASE WHEN b.user_id IS NOT NULL THEN 1 ELSE 0 END AS purchased,
           CASE WHEN b.user_id IS NOT NULL AND (u.has_shared = 1 OR p.user_id IS NOT NULL) THEN 1 ELSE 0 END AS shared
    FROM u
    LEFT JOIN b ON b.user_id = u.user_id
    LEFT JOIN p ON p.user_id = u.user_id
)
SELECT 1 AS step, 'aware' AS stage, SUM(aware) AS users FROM staged
UNION ALL SELECT 2, 'interested', SUM(interested) FROM staged
UNION ALL SELECT 3, 'deeply_interested', SUM(deep) FROM staged
UNION ALL SELECT 4, 'purchased', SUM(purchased) FROM staged
UNION ALL SELECT 5, 'shared', SUM(shared) FROM staged
