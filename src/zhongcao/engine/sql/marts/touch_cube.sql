-- mart: touch_cube
-- grain: one row per week (day = its Monday) × channel × region × segment attribute × segment value (attribute: gender, age_band, city_tier)
-- description: Touches, reads, engagements and distinct users for the dashboard's filters; every touch appears once per segment attribute, so sum over one attribute at a time. Region and segment come from the users panel ('unknown' when absent).
WITH per_user AS (
    SELECT CAST(DATE_TRUNC('week', ts) AS DATE) AS day, channel, user_id,
           COUNT(*) AS touches,
           SUM(CASE WHEN action = 'read' THEN 1 ELSE 0 END) AS reads,
           SUM(CASE WHEN action IN ('like', 'collect', 'comment', 'share') THEN 1 ELSE 0 END) AS engagements
    FROM stg_exposures
    GROUP BY CAST(DATE_TRUNC('week', ts) AS DATE), channel, user_id
), t AS (
    SELECT p.day, p.channel, p.touches, p.reads, p.engagements,
           COALESCE(u.region, 'unknown') AS region,
           COALESCE(u.gender, 'unknown') AS gender,
           COALESCE(u.age_band, 'unknown') AS age_band,
           COALESCE(CAST(u.city_tier AS VARCHAR), 'unknown') AS city_tier
    FROM per_user p
    LEFT JOIN stg_users u ON u.user_id = p.user_id
), long AS (
    SELECT day, channel, region, 'gender' AS attribute, gender AS value, touches, reads, engagements FROM t
    UNION ALL SELECT day, channel, region, 'age_band', age_band, touches, reads, engagements FROM t
    UNION ALL SELECT day, channel, region, 'city_tier', city_tier, touches, reads, engagements FROM t
)
SELECT day, channel, region, attribute, value,
       COUNT(*) AS users,
       SUM(touches) AS touches,
       SUM(reads) AS reads,
       SUM(engagements) AS engagements
FROM long
GROUP BY day, channel, region, attribute, value
