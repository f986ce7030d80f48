-- mart: scene_note_audience
-- grain: one row per note × panel segment attribute (all, gender, age_band, city_tier, region) × value
-- key: note_id, attribute, value
-- description: Distinct panel users who read or engaged with each note, and how many of them ordered within 30 days after their first read; the scene analyses sum these over a scene's notes. people_sketch holds the 64 smallest salted tokens of the row's readers (all of them when fewer), so a scene × segment cell's distinct readers can be counted for the minimum-group test.
WITH r AS (
    SELECT user_id, note_id, MIN(ts) AS first_read
    FROM stg_exposures
    WHERE note_id IS NOT NULL AND action IN ('read', 'like', 'collect', 'comment', 'share')
    GROUP BY user_id, note_id
), b AS (
    SELECT r.user_id, r.note_id,
           MAX(CASE WHEN o.ordered_at >= r.first_read AND o.ordered_at <= r.first_read + INTERVAL '30' DAY
                    THEN 1 ELSE 0 END) AS bought
    FROM r LEFT JOIN stg_orders o ON o.user_id = r.user_id
    GROUP BY r.user_id, r.note_id
), tokens AS (
    -- A salted token per reader (people_salt: kept in the workspace, never exported), as in the cubes.
    SELECT p.user_id, SUBSTR(MD5(s.salt || p.user_id), 1, 8) AS token
    FROM (SELECT DISTINCT user_id FROM b) p
    CROSS JOIN people_salt s
), j AS (
    SELECT b.note_id, b.bought, k.token, u.gender, u.age_band, CAST(u.city_tier AS VARCHAR) AS city_tier, u.region
    FROM b JOIN stg_users u ON u.user_id = b.user_id
    JOIN tokens k ON k.user_id = b.user_id
), long AS (
    SELECT note_id, 'all' AS attribute, 'all' AS value, bought, token FROM j
    UNION ALL SELECT note_id, 'gender', gender, bought, token FROM j
    UNION ALL SELECT note_id, 'age_band', age_band, bought, token FROM j
    UNION ALL SELECT note_id, 'city_tier', city_tier, bought, token FROM j
    UNION ALL SELECT note_id, 'region', region, bought, token FROM j
)
SELECT note_id, attribute, value, COUNT(*) AS readers, SUM(bought) AS buyers,
       ARRAY_SLICE(ARRAY_SORT(ARRAY_AGG(token)), 1, 64) AS people_sketch
FROM long
WHERE value IS NOT NULL
GROUP BY note_id, attribute, value
