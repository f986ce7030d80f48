-- mart: attribution_long_transitions
-- grain: one row per conversion type × lookback days (7, 15, 30, 60) × from channel ('' = the journey's start) × to channel, over journeys of more than 20 touches within the lookback
-- key: conversion_type, lookback_days, from_channel, to_channel
-- description: What the last-20 paths of attribution_journeys leave out of the longer journeys, so first-order Markov stays exact at any length: each transition between touches older than the last 20 and into the oldest kept one, and the journey's true start (from ''). The analysis takes the start a truncated path implies (its first kept channel, `truncated` journeys of its row) back out. Conversion type 'none' holds the non-converting journeys.
WITH lb AS (
    SELECT 7 AS lookback_days UNION ALL SELECT 15 UNION ALL SELECT 30 UNION ALL SELECT 60
), long_journeys AS (
    -- a journey has a 21st touch in some lookback only if it has one over 60 days
    SELECT conversion_type, conv_id FROM int_journey_touches WHERE rn_desc = 21
), deep AS (
    -- the touches from the oldest kept one (rank 20) back: the only ones a truncated path drops
    SELECT t.conversion_type, t.conv_id, lb.lookback_days, t.channel, t.rn_desc,
           LEAD(t.channel) OVER (PARTITION BY t.conversion_type, t.conv_id, lb.lookback_days
                                 ORDER BY t.rn_desc) AS older,
           -- the journey's touches within the lookback: ranks 1-19 are all there when rank 20 is
           MAX(t.rn_desc) OVER (PARTITION BY t.conversion_type, t.conv_id, lb.lookback_days) AS n
    FROM int_journey_touches t
    JOIN long_journeys l ON l.conversion_type = t.conversion_type AND l.conv_id = t.conv_id
    JOIN lb ON t.age_s <= lb.lookback_days * 86400
    WHERE t.rn_desc >= 20
)
SELECT conversion_type, lookback_days, COALESCE(older, '') AS from_channel, channel AS to_channel,
       COUNT(*) AS journeys
FROM deep
WHERE n > 20  -- journeys this lookback truncates
GROUP BY conversion_type, lookback_days, COALESCE(older, ''), channel
