-- mart: attribution_journeys
-- grain: one row per conversion type × lookback days (7, 15, 30, 60) × path (the channels of the last 20 touches before the conversion, oldest first, joined by ' > '; longer journeys are truncated to their last 20 touches and counted in `truncated`) × converted flag
-- description: Journeys for multi-touch attribution. Conversions are won leads ('lead') and orders per platform ('order_<platform>'); each gets the buyer's touches within the lookback (ts <= conversion time; ties ordered by channel, action, note). Users with touches and no conversion of any type give one non-converting path each (conversion_type 'none': touches within the lookback before their last touch). A conversion with no touch has path ''.
-- How: buyers' touches come ranked from int_conversion_touches (newest first over the longest lookback, 60 days); non-buyers' are ranked the same way here. A shorter lookback keeps a prefix of that order, so its path is the first min(20, touches within it) ranks; one ranking serves all four lookbacks.
WITH conv AS (
    SELECT * FROM int_conversions
), lb AS (
    SELECT 7 AS lookback_days UNION ALL SELECT 15 UNION ALL SELECT 30 UNION ALL SELECT 60
), quiet AS (
    SELECT l.user_id, l.last_ts
    FROM (SELECT user_id, MAX(ts) AS last_ts FROM stg_exposures GROUP BY user_id) l
    WHERE NOT EXISTS (SELECT 1 FROM conv c WHERE c.user_id = l.user_id)
), quiet_touched AS (
    SELECT 'none' AS conversion_type, q.user_id AS conv_id, e.channel, e.action, COALESCE(e.note_id, '') AS note_key,
           e.ts, date_diff('second', e.ts, q.last_ts) AS age_s
    FROM quiet q
    JOIN stg_exposures e
      ON e.user_id = q.user_id
     AND e.ts >= q.last_ts - INTERVAL '60' DAY
), ranked AS (
    SELECT conversion_type, conv_id, channel, age_s, rn_desc FROM int_conversion_touches
    UNION ALL
    -- non-buyers ranked by the same rule as int_conversion_touches
    SELECT t.conversion_type, t.conv_id, t.channel, t.age_s,
           ROW_NUMBER() OVER (PARTITION BY t.conversion_type, t.conv_id
                              ORDER BY t.ts DESC, t.channel DESC, t.action DESC, t.note_key DESC) AS rn_desc
    FROM quiet_touched t
), pivoted AS (
    SELECT conversion_type, conv_id,
           SUM(CASE WHEN age_s <= 7 * 86400 THEN 1 ELSE 0 END) AS n7,
           SUM(CASE WHEN age_s <= 15 * 86400 THEN 1 ELSE 0 END) AS n15,
           SUM(CASE WHEN age_s <= 30 * 86400 THEN 1 ELSE 0 END) AS n30,
           COUNT(*) AS n60,
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
    FROM ranked
    GROUP BY conversion_type, conv_id
), per_lookback AS (
    SELECT p.*, lb.lookback_days,
           CASE lb.lookback_days WHEN 7 THEN p.n7 WHEN 15 THEN p.n15 WHEN 30 THEN p.n30 ELSE p.n60 END AS n
    FROM pivoted p
    CROSS JOIN lb
), paths AS (
    SELECT conversion_type, conv_id, lookback_days, n AS touches,
           SUBSTRING(
                  CASE WHEN n >= 20 THEN CONCAT(' > ', c20) ELSE '' END
               || CASE WHEN n >= 19 THEN CONCAT(' > ', c19) ELSE '' END
               || CASE WHEN n >= 18 THEN CONCAT(' > ', c18) ELSE '' END
               || CASE WHEN n >= 17 THEN CONCAT(' > ', c17) ELSE '' END
               || CASE WHEN n >= 16 THEN CONCAT(' > ', c16) ELSE '' END
               || CASE WHEN n >= 15 THEN CONCAT(' > ', c15) ELSE '' END
               || CASE WHEN n >= 14 THEN CONCAT(' > ', c14) ELSE '' END
               || CASE WHEN n >= 13 THEN CONCAT(' > ', c13) ELSE '' END
               || CASE WHEN n >= 12 THEN CONCAT(' > ', c12) ELSE '' END
               || CASE WHEN n >= 11 THEN CONCAT(' > ', c11) ELSE '' END
               || CASE WHEN n >= 10 THEN CONCAT(' > ', c10) ELSE '' END
               || CASE WHEN n >= 9 THEN CONCAT(' > ', c9) ELSE '' END
               || CASE WHEN n >= 8 THEN CONCAT(' > ', c8) ELSE '' END
               || CASE WHEN n >= 7 THEN CONCAT(' > ', c7) ELSE '' END
               || CASE WHEN n >= 6 THEN CONCAT(' > ', c6) ELSE '' END
               || CASE WHEN n >= 5 THEN CONCAT(' > ', c5) ELSE '' END
               || CASE WHEN n >= 4 THEN CONCAT(' > ', c4) ELSE '' END
               || CASE WHEN n >= 3 THEN CONCAT(' > ', c3) ELSE '' END
               || CASE WHEN n >= 2 THEN CONCAT(' > ', c2) ELSE '' END
               || CASE WHEN n >= 1 THEN CONCAT(' > ', c1) ELSE '' END,
               4) AS path
    FROM per_lookback
    WHERE n > 0
), journeys AS (
    SELECT c.conversion_type, lb.lookback_days, COALESCE(p.path, '') AS path, TRUE AS converted,
           c.revenue, COALESCE(p.touches, 0) AS touches
    FROM conv c
    CROSS JOIN lb
    LEFT JOIN paths p
      ON p.conversion_type = c.conversion_type AND p.conv_id = c.conv_id AND p.lookback_days = lb.lookback_days
    UNION ALL
    SELECT conversion_type, lookback_days, path, FALSE AS converted, CAST(0 AS DOUBLE) AS revenue, touches
    FROM paths
    WHERE conversion_type = 'none'
)
SELECT conversion_type, lookback_days, path, converted,
       COUNT(*) AS journeys,
       SUM(CASE WHEN converted THEN 1 ELSE 0 END) AS conversions,
       SUM(revenue) AS revenue,
       SUM(revenue * revenue) AS revenue_sq,
       SUM(touches) AS touches,
       SUM(CASE WHEN touches > 20 THEN 1 ELSE 0 END) AS truncated
FROM journeys
GROUP BY conversion_type, lookback_days, path, converted
