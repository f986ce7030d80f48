-- intermediate: conversions
-- grain: one row per conversion (a won lead, or an order on any platform)
-- description: Every conversion the attribution marts assemble journeys for: type ('lead' or 'order_<platform>'), id, user, time and revenue.
SELECT 'lead' AS conversion_type, lead_id AS conv_id, user_id, created_at AS conv_ts, CAST(0 AS DOUBLE) AS revenue
FROM stg_leads
WHERE status = 'won'
UNION ALL
SELECT CONCAT('order_', platform), order_id, user_id, ordered_at, amount
FROM stg_orders
