-- mart: touch_cube
-- grain: one row per week (day = its Monday) × channel × region × segment attribute × segment value (attribute: gender, age_band, city_tier)
-- key: day, channel, region, attribute, value
-- description: Touches, reads, engagements and distinct users for the dashboard's filters; every touch appears once per segment attribute, so sum over one attribute at a time. Region and segment come from the users panel ('unknown' when absent). people_sketch holds the 64 smallest salted tokens of the row's users (all of them when fewer): merged over any rows it counts their distinct people exactly below 64, for the minimum-group test.
WITH per_user AS (
    SELECT CAST(DATE_TRUNC('week', ts) AS DATE) AS day, channel, user_id,
           COUNT(*) AS touches,
           SUM(CASE WHEN action = 'read' THEN 1 ELSE 0 END) AS reads,
           SUM(CASE WHEN action IN ('like', 'collect', 'comment', 'share') THEN 1 ELSE 0 END) AS engagements
    FROM stg_exposures
    GROUP BY CAST(DATE_TRUNC('week', ts) AS DATE), channel, user_id
), tokens AS (
    -- A salted token per person (people_salt: a secret kept in the workspace, never exported), so
    -- the mart carries sketches of its people, not their ids.
    SELECT p.user_id, SUBSTR(MD5(s.salt || p.user_id), 1, 8) AS token
    FROM (SELECT DISTINCT user_id FROM per_user) p
    CROSS JOIN people_salt s
), t AS (
    SELECT p.day, p.channel, p.touches, p.reads, p.engagements, k.token,
           COALESCE(u.region, 'unknown') AS region,
           COALESCE(u.gender, 'unknown') AS gender,
           COALESCE(u.age_band, 'unknown') AS age_band,
           COALESCE(CAST(u.city_tier AS VARCHAR), 'unknown') AS city_tier
    FROM per_user p
    JOIN tokens k ON k.user_id = p.user_id
    LEFT JOIN stg_users u ON u.user_id = p.user_id
), long AS (
    SELECT day, channel, region, 'gender' AS attribute, gender AS value, touches, reads, engagements, token FROM t
    UNION ALL SELECT day, channel, region, 'age_band', age_band, touches, reads, engagements, token FROM t
    UNION ALL SELECT day, channel, region, 'city_tier', city_tier, touches, reads, engagements, token FROM t
)
SELECT day, channel, region, attribute, value,
       COUNT(*) AS users,
       SUM(touches) AS touches,
       SUM(reads) AS reads,
       SUM(engagements) AS engagements,
       ARRAY_SLICE(ARRAY_SORT(ARRAY_AGG(token)), 1, 64) AS people_sketch
FROM long
GROUP BY day, channel, region, attribute, value
