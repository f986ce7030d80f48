-- mart: attribution_touch_credit
-- grain: one row per conversion type × lookback days (7, 15, 30, 60) × channel × note ('' when the touch had no note)
-- key: conversion_type, lookback_days, channel, note_id
-- description: Conversions and revenue credited to each channel and note by the heuristic models (first, last, linear, position 40/20/40, time decay with half-lives 3, 7 and 14 days), over every touch of the journey within the lookback (attribution_journeys' paths keep the last 20; attribution_long_credit makes up the rest); *_sq columns are sums of squared per-conversion credits, for compound-Poisson intervals.
WITH lb AS (
    SELECT 7 AS lookback_days UNION ALL SELECT 15 UNION ALL SELECT 30 UNION ALL SELECT 60
), kept AS (
    SELECT r.conversion_type, r.conv_id, r.revenue, lb.lookback_days, r.channel, r.note_key, r.rn_desc,
           CAST(r.age_s AS DOUBLE) / 86400.0 AS age_days,
           COUNT(*) OVER (PARTITION BY r.conversion_type, r.conv_id, lb.lookback_days) AS n
    FROM int_journey_touches r
    JOIN lb ON r.age_s <= lb.lookback_days * 86400
    WHERE r.conversion_type <> 'none'
), weighted AS (
    SELECT conversion_type, conv_id, revenue, lookback_days, channel, note_key,
           CAST(CASE WHEN rn_desc = n THEN 1 ELSE 0 END AS DOUBLE) AS w_first,
           CAST(CASE WHEN rn_desc = 1 THEN 1 ELSE 0 END AS DOUBLE) AS w_last,
           1 / CAST(n AS DOUBLE) AS w_linear,
           CASE WHEN n = 1 THEN CAST(1 AS DOUBLE)
                WHEN n = 2 THEN CAST(0.5 AS DOUBLE)
                WHEN rn_desc = 1 OR rn_desc = n THEN CAST(0.4 AS DOUBLE)
                ELSE CAST(0.2 AS DOUBLE) / CAST(n - 2 AS DOUBLE) END AS w_position,
           POWER(2.0, -age_days / 3.0)
               / SUM(POWER(2.0, -age_days / 3.0)) OVER (PARTITION BY conversion_type, conv_id, lookback_days)
               AS w_decay3,
           POWER(2.0, -age_days / 7.0)
               / SUM(POWER(2.0, -age_days / 7.0)) OVER (PARTITION BY conversion_type, conv_id, lookback_days)
               AS w_decay7,
           POWER(2.0, -age_days / 14.0)
               / SUM(POWER(2.0, -age_days / 14.0)) OVER (PARTITION BY conversion_type, conv_id, lookback_days)
               AS w_decay14
    FROM kept
), per_conversion AS (
    -- one row per conversion × channel × note: a note touched twice in one journey is one credit line
    SELECT conversion_type, conv_id, lookback_days, channel, note_key, MAX(revenue) AS revenue,
           SUM(w_first) AS w_first, SUM(w_last) AS w_last, SUM(w_linear) AS w_linear,
           SUM(w_position) AS w_position, SUM(w_decay3) AS w_decay3, SUM(w_decay7) AS w_decay7,
           SUM(w_decay14) AS w_decay14, COUNT(*) AS touches
    FROM weighted
    GROUP BY conversion_type, conv_id, lookback_days, channel, note_key
)
SELECT p.conversion_type, p.lookback_days, p.channel, p.note_key AS note_id,
       MAX(n.creator_id) AS creator_id,
       COUNT(*) AS journeys,
       SUM(p.touches) AS touches,
       SUM(w_first) AS first_touch, SUM(w_first * w_first) AS first_touch_sq,
       SUM(w_first * p.revenue) AS first_touch_revenue, SUM(w_first * w_first * p.revenue * p.revenue) AS first_touch_revenue_sq,
       SUM(w_last) AS last_touch, SUM(w_last * w_last) AS last_touch_sq,
       SUM(w_last * p.revenue) AS last_touch_revenue, SUM(w_last * w_last * p.revenue * p.revenue) AS last_touch_revenue_sq,
       SUM(w_linear) AS linear, SUM(w_linear * w_linear) AS linear_sq,
       SUM(w_linear * p.revenue) AS linear_revenue, SUM(w_linear * w_linear * p.revenue * p.revenue) AS linear_revenue_sq,
       SUM(w_position) AS position_based, SUM(w_position * w_position) AS position_based_sq,
       SUM(w_position * p.revenue) AS position_based_revenue,
       SUM(w_position * w_position * p.revenue * p.revenue) AS position_based_revenue_sq,
       SUM(w_decay3) AS time_decay_3, SUM(w_decay3 * w_decay3) AS time_decay_3_sq,
       SUM(w_decay3 * p.revenue) AS time_decay_3_revenue, SUM(w_decay3 * w_decay3 * p.revenue * p.revenue) AS time_decay_3_revenue_sq,
       SUM(w_decay7) AS time_decay_7, SUM(w_decay7 * w_decay7) AS time_decay_7_sq,
       SUM(w_decay7 * p.revenue) AS time_decay_7_revenue, SUM(w_decay7 * w_decay7 * p.revenue * p.revenue) AS time_decay_7_revenue_sq,
       SUM(w_decay14) AS time_decay_14, SUM(w_decay14 * w_decay14) AS time_decay_14_sq,
       SUM(w_decay14 * p.revenue) AS time_decay_14_revenue,
       SUM(w_decay14 * w_decay14 * p.revenue * p.revenue) AS time_decay_14_revenue_sq
FROM per_conversion p
LEFT JOIN stg_notes n ON n.note_id = p.note_key
GROUP BY p.conversion_type, p.lookback_days, p.channel, p.note_key
