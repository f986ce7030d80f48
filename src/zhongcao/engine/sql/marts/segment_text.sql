-- mart: segment_text
-- grain: one row per panel segment attribute × value × source (comment, query) × text
-- key: attribute, value, source, text
-- description: How many distinct users of each segment wrote a comment text or searched a query; the text analyses read these counts, never who wrote what.
WITH u AS (
    SELECT user_id, gender, age_band, CAST(city_tier AS VARCHAR) AS city_tier, region FROM stg_users
), t AS (
    SELECT user_id, 'comment' AS source, text FROM stg_comments WHERE text IS NOT NULL AND user_id IS NOT NULL
    UNION ALL
    SELECT user_id, 'query', query FROM stg_exposures WHERE action = 'search' AND query IS NOT NULL
), j AS (
    SELECT t.user_id, t.source, t.text, u.gender, u.age_band, u.city_tier, u.region
    FROM t JOIN u ON u.user_id = t.user_id
), long AS (
    SELECT 'gender' AS attribute, gender AS value, source, text, user_id FROM j
    UNION ALL SELECT 'age_band', age_band, source, text, user_id FROM j
    UNION ALL SELECT 'city_tier', city_tier, source, text, user_id FROM j
    UNION ALL SELECT 'region', region, source, text, user_id FROM j
)
SELECT attribute, value, source, text, COUNT(DISTINCT user_id) AS users, COUNT(*) AS n
FROM long
WHERE value IS NOT NULL
GROUP BY attribute, value, source, text
