-- mart: channel_last_touch
-- grain: one row per platform × channel of the buyer's last touch within 30 days before the order ('none' when there was no touch)
-- key: platform, channel
-- description: Orders and GMV credited to the last touch, the simple baseline the KPI layer reports; docs/attribution models go further.
WITH cand AS (
    SELECT o.order_id, o.platform, o.amount, e.channel,
           ROW_NUMBER() OVER (PARTITION BY o.order_id ORDER BY e.ts DESC, e.channel) AS rn
    FROM stg_orders o
    JOIN stg_exposures e
      ON e.user_id = o.user_id
     AND e.ts <= o.ordered_at
     AND e.ts >= o.ordered_at - INTERVAL '30' DAY
), last_touch AS (
    SELECT order_id, channel FROM cand WHERE rn = 1
)
SELECT o.platform,
       COALESCE(l.channel, 'none') AS channel,
       COUNT(*) AS orders,
       CAST(SUM(CAST(o.amount AS DECIMAL(38, 10))) AS DOUBLE) AS gmv
FROM stg_orders o
LEFT JOIN last_touch l ON l.order_id = o.order_id
GROUP BY o.platform, COALESCE(l.channel, 'none')
