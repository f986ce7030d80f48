-- mart: attribution_journeys
-- grain: one row per conversion type × lookback days (7, 15, 30, 60) × path (the channels of the last 20 touches before the conversion, oldest first, joined by ' > '; longer journeys are truncated to their last 20 touches and counted in `truncated`, their revenue in `truncated_revenue`; attribution_long_transitions and attribution_long_credit hold what first-order Markov and the heuristics need of the rest) × converted flag
-- key: conversion_type, lookback_days, path, converted
-- description: Journeys for multi-touch attribution. Conversions are won leads ('lead') and orders per platform ('order_<platform>'); each gets the buyer's touches within the lookback (ts <= conversion time; ties ordered by channel, action, note). Users with touches and no conversion of any type give one non-converting path each (conversion_type 'none': touches within the lookback before their last touch). A conversion with no touch has path ''.
-- How: every journey's touches come ranked from int_journey_touches (newest first over the longest lookback, 60 days). A shorter lookback keeps a prefix of that order, so one ranking serves all four: the 60-day path (its last 20 channels, oldest first) is built once per journey, and a shorter lookback's path is its tail, as many characters as that lookback's last min(20, touches) channels and separators take.
WITH lb AS (
    SELECT 7 AS lookback_days UNION ALL SELECT 15 UNION ALL SELECT 30 UNION ALL SELECT 60
), pivoted AS (
    SELECT conversion_type, conv_id, MAX(revenue) AS revenue,
           SUM(CASE WHEN age_s <= 7 * 86400 THEN 1 ELSE 0 END) AS n7,
           SUM(CASE WHEN age_s <= 15 * 86400 THEN 1 ELSE 0 END) AS n15,
           SUM(CASE WHEN age_s <= 30 * 86400 THEN 1 ELSE 0 END) AS n30,
           COUNT(*) AS n60,
           -- characters of each lookback's path plus one leading ' > ' (channel names may be any length)
           SUM(CASE WHEN age_s <= 7 * 86400 AND rn_desc <= 20 THEN LENGTH(channel) + 3 ELSE 0 END) AS len7,
           SUM(CASE WHEN age_s <= 15 * 86400 AND rn_desc <= 20 THEN LENGTH(channel) + 3 ELSE 0 END) AS len15,
           SUM(CASE WHEN age_s <= 30 * 86400 AND rn_desc <= 20 THEN LENGTH(channel) + 3 ELSE 0 END) AS len30,
           MAX(CASE WHEN rn_desc = 20 THEN channel END) AS c20,
           MAX(CASE WHEN rn_desc = 19 THEN channel END) AS c19,
           MAX(CASE WHEN rn_desc = 18 THEN channel END) AS c18,
           MAX(CASE WHEN rn_desc = 17 THEN channel END) AS c17,
           MAX(CASE WHEN rn_desc = 16 THEN channel END) AS c16,
           MAX(CASE WHEN rn_desc = 15 THEN channel END) AS c15,
           MAX(CASE WHEN rn_desc = 14 THEN channel END) AS c14,
           MAX(CASE WHEN rn_desc = 13 THEN channel END) AS c13,
           MAX(CASE WHEN rn_desc = 12 THEN channel END) AS c12,
           MAX(CASE WHEN rn_desc = 11 THEN channel END) AS c11,
           MAX(CASE WHEN rn_desc = 10 THEN channel END) AS c10,
           MAX(CASE WHEN rn_desc = 9 THEN channel END) AS c9,
           MAX(CASE WHEN rn_desc = 8 THEN channel END) AS c8,
           MAX(CASE WHEN rn_desc = 7 THEN channel END) AS c7,
           MAX(CASE WHEN rn_desc = 6 THEN channel END) AS c6,
           MAX(CASE WHEN rn_desc = 5 THEN channel END) AS c5,
           MAX(CASE WHEN rn_desc = 4 THEN channel END) AS c4,
           MAX(CASE WHEN rn_desc = 3 THEN channel END) AS c3,
           MAX(CASE WHEN rn_desc = 2 THEN channel END) AS c2,
           MAX(CASE WHEN rn_desc = 1 THEN channel END) AS c1
    FROM int_journey_touches
    GROUP BY conversion_type, conv_id
), paths AS (
    SELECT conversion_type, conv_id, revenue, n7, n15, n30, n60, len7, len15, len30,
           SUBSTRING(
                  CASE WHEN n60 >= 20 THEN CONCAT(' > ', c20) ELSE '' END
               || CASE WHEN n60 >= 19 THEN CONCAT(' > ', c19) ELSE '' END
               || CASE WHEN n60 >= 18 THEN CONCAT(' > ', c18) ELSE '' END
               || CASE WHEN n60 >= 17 THEN CONCAT(' > ', c17) ELSE '' END
               || CASE WHEN n60 >= 16 THEN CONCAT(' > ', c16) ELSE '' END
               || CASE WHEN n60 >= 15 THEN CONCAT(' > ', c15) ELSE '' END
               || CASE WHEN n60 >= 14 THEN CONCAT(' > ', c14) ELSE '' END
               || CASE WHEN n60 >= 13 THEN CONCAT(' > ', c13) ELSE '' END
               || CASE WHEN n60 >= 12 THEN CONCAT(' > ', c12) ELSE '' END
               || CASE WHEN n60 >= 11 THEN CONCAT(' > ', c11) ELSE '' END
               || CASE WHEN n60 >= 10 THEN CONCAT(' > ', c10) ELSE '' END
               || CASE WHEN n60 >= 9 THEN CONCAT(' > ', c9) ELSE '' END
               || CASE WHEN n60 >= 8 THEN CONCAT(' > ', c8) ELSE '' END
               || CASE WHEN n60 >= 7 THEN CONCAT(' > ', c7) ELSE '' END
               || CASE WHEN n60 >= 6 THEN CONCAT(' > ', c6) ELSE '' END
               || CASE WHEN n60 >= 5 THEN CONCAT(' > ', c5) ELSE '' END
               || CASE WHEN n60 >= 4 THEN CONCAT(' > ', c4) ELSE '' END
               || CASE WHEN n60 >= 3 THEN CONCAT(' > ', c3) ELSE '' END
               || CASE WHEN n60 >= 2 THEN CONCAT(' > ', c2) ELSE '' END
               || CASE WHEN n60 >= 1 THEN CONCAT(' > ', c1) ELSE '' END,
               4) AS path60  -- not CONCAT_WS: SQLGlot turns its NULLs into '' for Spark
    FROM pivoted
), per_lookback AS (
    SELECT p.conversion_type, p.revenue, lb.lookback_days,
           CASE lb.lookback_days WHEN 7 THEN p.n7 WHEN 15 THEN p.n15 WHEN 30 THEN p.n30 ELSE p.n60 END AS touches,
           CASE lb.lookback_days
                WHEN 7 THEN RIGHT(p.path60, CAST(GREATEST(p.len7 - 3, 0) AS BIGINT))
                WHEN 15 THEN RIGHT(p.path60, CAST(GREATEST(p.len15 - 3, 0) AS BIGINT))
                WHEN 30 THEN RIGHT(p.path60, CAST(GREATEST(p.len30 - 3, 0) AS BIGINT))
                ELSE p.path60 END AS path
    FROM paths p
    CROSS JOIN lb
), journeys AS (
    -- a conversion with no touch within a lookback has path ''; a non-converting user's last touch
    -- is within every lookback, so their rows always have one
    SELECT conversion_type, lookback_days, CASE WHEN touches > 0 THEN path ELSE '' END AS path,
           conversion_type <> 'none' AS converted, revenue, touches
    FROM per_lookback
    WHERE touches > 0 OR conversion_type <> 'none'
    UNION ALL
    -- conversions without a single touch in 60 days
    SELECT c.conversion_type, lb.lookback_days, '' AS path, TRUE AS converted, c.revenue, 0 AS touches
    FROM int_conversions c
    CROSS JOIN lb
    WHERE NOT EXISTS (SELECT 1 FROM paths p WHERE p.conversion_type = c.conversion_type AND p.conv_id = c.conv_id)
)
SELECT conversion_type, lookback_days, path, converted,
       COUNT(*) AS journeys,
       SUM(CASE WHEN converted THEN 1 ELSE 0 END) AS conversions,
       CAST(SUM(CAST(revenue AS DECIMAL(38, 10))) AS DOUBLE) AS revenue,
       SUM(revenue * revenue) AS revenue_sq,
       SUM(touches) AS touches,
       SUM(CASE WHEN touches > 20 THEN 1 ELSE 0 END) AS truncated,
       SUM(CASE WHEN touches > 20 THEN revenue ELSE 0 END) AS truncated_revenue
FROM journeys
GROUP BY conversion_type, lookback_days, path, converted
