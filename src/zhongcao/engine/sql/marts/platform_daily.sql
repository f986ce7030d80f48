-- mart: platform_daily
-- grain: one row per day × platform
-- key: day, platform
-- description: Orders, GMV, units and distinct buyers per day on each platform (red = closed loop; tmall, jd, … = back-flow).
SELECT CAST(ordered_at AS DATE) AS day,
       platform,
       COUNT(*) AS orders,
       CAST(SUM(CAST(amount AS DECIMAL(38, 10))) AS DOUBLE) AS gmv,
       SUM(COALESCE(quantity, 1)) AS units,
       COUNT(DISTINCT user_id) AS buyers
FROM stg_orders
GROUP BY CAST(ordered_at AS DATE), platform
