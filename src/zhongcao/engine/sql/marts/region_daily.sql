-- mart: region_daily
-- grain: one row per day × province (the buyer's panel province, else the order's shipping province, else 'unknown')
-- key: day, region
-- description: Orders, GMV, buyers and leads per day and province, for difference-in-differences and synthetic-control lift estimates.
WITH o AS (
    SELECT CAST(o.ordered_at AS DATE) AS day, COALESCE(u.region, o.region, 'unknown') AS region,
           COUNT(*) AS orders, CAST(SUM(CAST(o.amount AS DECIMAL(38, 10))) AS DOUBLE) AS gmv, COUNT(DISTINCT o.user_id) AS buyers
    FROM stg_orders o LEFT JOIN stg_users u ON u.user_id = o.user_id
    GROUP BY CAST(o.ordered_at AS DATE), COALESCE(u.region, o.region, 'unknown')
), l AS (
    SELECT CAST(l.created_at AS DATE) AS day, COALESCE(u.region, 'unknown') AS region, COUNT(*) AS leads
    FROM stg_leads l LEFT JOIN stg_users u ON u.user_id = l.user_id
    GROUP BY CAST(l.created_at AS DATE), COALESCE(u.region, 'unknown')
)
SELECT COALESCE(o.day, l.day) AS day, COALESCE(o.region, l.region) AS region,
       COALESCE(o.orders, 0) AS orders, COALESCE(o.gmv, 0.0) AS gmv, COALESCE(o.buyers, 0) AS buyers,
       COALESCE(l.leads, 0) AS leads
FROM o FULL OUTER JOIN l ON o.day = l.day AND o.region = l.region
