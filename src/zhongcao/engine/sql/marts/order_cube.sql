-- mart: order_cube
-- grain: one row per week (day = its Monday) × platform × region × segment attribute × segment value (attribute: gender, age_band, city_tier)
-- description: Orders, GMV and distinct buyers for the dashboard's filters; every order appears once per segment attribute, so sum over one attribute at a time. Region is the buyer's panel region, else the order's shipping region.
WITH per_user AS (
    SELECT CAST(DATE_TRUNC('week', ordered_at) AS DATE) AS day, platform, user_id,
           COUNT(*) AS orders,
           SUM(amount) AS gmv,
           MAX(region) AS order_region
    FROM stg_orders
    GROUP BY CAST(DATE_TRUNC('week', ordered_at) AS DATE), platform, user_id
), t AS (
    SELECT p.day, p.platform, p.orders, p.gmv,
           COALESCE(u.region, p.order_region, 'unknown') AS region,
           COALESCE(u.gender, 'unknown') AS gender,
           COALESCE(u.age_band, 'unknown') AS age_band,
           COALESCE(CAST(u.city_tier AS VARCHAR), 'unknown') AS city_tier
    FROM per_user p
    LEFT JOIN stg_users u ON u.user_id = p.user_id
), long AS (
    SELECT day, platform, region, 'gender' AS attribute, gender AS value, orders, gmv FROM t
    UNION ALL SELECT day, platform, region, 'age_band', age_band, orders, gmv FROM t
    UNION ALL SELECT day, platform, region, 'city_tier', city_tier, orders, gmv FROM t
)
SELECT day, platform, region, attribute, value,
       COUNT(*) AS buyers,
       SUM(orders) AS orders,
       SUM(gmv) AS gmv
FROM long
GROUP BY day, platform, region, attribute, value
