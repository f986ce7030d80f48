-- mart: order_baseline
-- grain: one row per panel gender × age band × activity band
-- key: gender, age_band, activity_band
-- description: Panel users and their orders per cell, with the days the touch data spans: the baseline order rate per user-day that creator readers are matched against (activity band as in creator_readers).
WITH cells AS (
    SELECT * FROM int_user_cells
), bought AS (
    SELECT user_id, COUNT(*) AS orders FROM stg_orders GROUP BY user_id
), span AS (
    SELECT date_diff('day', CAST(MIN(ts) AS DATE), CAST(MAX(ts) AS DATE)) + 1 AS days FROM stg_exposures
)
SELECT c.gender, c.age_band, c.activity_band,
       COUNT(*) AS users,
       SUM(COALESCE(b.orders, 0)) AS orders,
       MAX(s.days) AS days
FROM cells c
LEFT JOIN bought b ON b.user_id = c.user_id
CROSS JOIN span s
GROUP BY c.gender, c.age_band, c.activity_band
