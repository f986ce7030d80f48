-- mart: order_cube
-- grain: one row per week (day = its Monday) × platform × region × segment attribute × segment value (attribute: gender, age_band, city_tier)
-- key: day, platform, region, attribute, value
-- description: Orders, GMV and distinct buyers for the dashboard's filters; every order appears once per segment attribute, so sum over one attribute at a time. Region is the buyer's panel region, else the order's shipping region. people_sketch holds the 64 smallest salted tokens of the row's buyers (all of them when fewer): merged over any rows it counts their distinct people exactly below 64, for the minimum-group test.
WITH per_user AS (
    SELECT CAST(DATE_TRUNC('week', ordered_at) AS DATE) AS day, platform, user_id,
           COUNT(*) AS orders,
           SUM(CAST(amount AS DECIMAL(38, 10))) AS gmv,
           MAX(region) AS order_region
    FROM stg_orders
    GROUP BY CAST(DATE_TRUNC('week', ordered_at) AS DATE), platform, user_id
), tokens AS (
    -- A salted token per person (people_salt: a secret kept in the workspace, never exported), so
    -- the mart carries sketches of its people, not their ids.
    SELECT p.user_id, SUBSTR(MD5(s.salt || p.user_id), 1, 8) AS token
    FROM (SELECT DISTINCT user_id FROM per_user) p
    CROSS JOIN people_salt s
), t AS (
    SELECT p.day, p.platform, p.orders, p.gmv, k.token,
           COALESCE(u.region, p.order_region, 'unknown') AS region,
           COALESCE(u.gender, 'unknown') AS gender,
           COALESCE(u.age_band, 'unknown') AS age_band,
           COALESCE(CAST(u.city_tier AS VARCHAR), 'unknown') AS city_tier
    FROM per_user p
    JOIN tokens k ON k.user_id = p.user_id
    LEFT JOIN stg_users u ON u.user_id = p.user_id
), long AS (
    SELECT day, platform, region, 'gender' AS attribute, gender AS value, orders, gmv, token FROM t
    UNION ALL SELECT day, platform, region, 'age_band', age_band, orders, gmv, token FROM t
    UNION ALL SELECT day, platform, region, 'city_tier', city_tier, orders, gmv, token FROM t
)
SELECT day, platform, region, attribute, value,
       COUNT(*) AS buyers,
       SUM(orders) AS orders,
       CAST(SUM(gmv) AS DOUBLE) AS gmv,
       ARRAY_SLICE(ARRAY_SORT(ARRAY_AGG(token)), 1, 64) AS people_sketch
FROM long
GROUP BY day, platform, region, attribute, value
