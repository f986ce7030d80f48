-- mart: attribution_long_credit
-- grain: one row per conversion type × lookback days (7, 15, 30, 60) × channel, over conversions with more than 20 touches within the lookback (journeys: how many of them touched the channel)
-- key: conversion_type, lookback_days, channel
-- description: Heuristic credit (first, last, linear, position 40/20/40) of the conversions whose path attribution_journeys truncates to the last 20 touches, over all their touches: with it the heuristic models are exact at any path length (the analysis replaces those conversions' credit from their kept paths by this). *_revenue columns weight each conversion's credit by its revenue.
WITH lb AS (
    SELECT 7 AS lookback_days UNION ALL SELECT 15 UNION ALL SELECT 30 UNION ALL SELECT 60
), long_journeys AS (
    SELECT conversion_type, conv_id FROM int_journey_touches WHERE rn_desc = 21 AND conversion_type <> 'none'
), touches AS (
    SELECT t.conversion_type, t.conv_id, t.revenue, lb.lookback_days, t.channel, t.rn_desc,
           COUNT(*) OVER (PARTITION BY t.conversion_type, t.conv_id, lb.lookback_days) AS n
    FROM int_journey_touches t
    JOIN long_journeys l ON l.conversion_type = t.conversion_type AND l.conv_id = t.conv_id
    JOIN lb ON t.age_s <= lb.lookback_days * 86400
), weighted AS (
    SELECT conversion_type, conv_id, lookback_days, channel, revenue,
           CAST(CASE WHEN rn_desc = n THEN 1 ELSE 0 END AS DOUBLE) AS w_first,
           CAST(CASE WHEN rn_desc = 1 THEN 1 ELSE 0 END AS DOUBLE) AS w_last,
           1 / CAST(n AS DOUBLE) AS w_linear,
           CASE WHEN rn_desc = 1 OR rn_desc = n THEN CAST(0.4 AS DOUBLE)
                ELSE CAST(0.2 AS DOUBLE) / CAST(n - 2 AS DOUBLE) END AS w_position
    FROM touches
    WHERE n > 20
)
SELECT conversion_type, lookback_days, channel, COUNT(DISTINCT conv_id) AS journeys,
       SUM(w_first) AS first_touch, SUM(w_first * revenue) AS first_touch_revenue,
       SUM(w_last) AS last_touch, SUM(w_last * revenue) AS last_touch_revenue,
       SUM(w_linear) AS linear, SUM(w_linear * revenue) AS linear_revenue,
       SUM(w_position) AS position_based, SUM(w_position * revenue) AS position_based_revenue
FROM weighted
GROUP BY conversion_type, lookback_days, channel
