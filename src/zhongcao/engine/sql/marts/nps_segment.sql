-- mart: nps_segment
-- grain: one row per segment attribute × value (gender, age_band, city_tier, region)
-- key: attribute, value
-- description: NPS answer counts by the respondent's panel segment; small groups are suppressed by the analyses, not here.
WITH a AS (
    SELECT s.nps, u.gender, u.age_band, CAST(u.city_tier AS VARCHAR) AS city_tier, u.region
    FROM stg_surveys s JOIN stg_users u ON u.user_id = s.user_id
), long AS (
    SELECT 'gender' AS attribute, gender AS value, nps FROM a
    UNION ALL SELECT 'age_band', age_band, nps FROM a
    UNION ALL SELECT 'city_tier', city_tier, nps FROM a
    UNION ALL SELECT 'region', region, nps FROM a
)
SELECT attribute, value,
       COUNT(*) AS responses,
       SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS promoters,
       SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS detractors
FROM long
WHERE value IS NOT NULL
GROUP BY attribute, value
