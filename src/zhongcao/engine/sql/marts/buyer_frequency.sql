-- mart: buyer_frequency
-- grain: one row per platform × orders-per-buyer (1, 2, 3, 4, 5 = five or more); platform 'all' counts across platforms
-- key: platform, orders_per_buyer
-- description: How many buyers placed how many orders, for repurchase rates without user rows.
WITH per_buyer AS (
    SELECT platform, user_id, COUNT(*) AS n FROM stg_orders GROUP BY platform, user_id
    UNION ALL
    SELECT 'all' AS platform, user_id, COUNT(*) AS n FROM stg_orders GROUP BY user_id
)
SELECT platform,
       CASE WHEN n >= 5 THEN 5 ELSE n END AS orders_per_buyer,
       COUNT(*) AS buyers
FROM per_buyer
GROUP BY platform, CASE WHEN n >= 5 THEN 5 ELSE n END
