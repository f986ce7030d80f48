-- mart: attribution_journeys
-- grain: one row per conversion type × lookback days (7, 15, 30, 60) × path (the channels of the last 20 touches before the conversion, oldest first, joined by ' > '; longer journeys are truncated to their last 20 touches and counted in `truncated`) × converted flag
-- description: Journeys for multi-touch attribution. Conversions are won leads ('lead') and orders per platform ('order_<platform>'); each gets the buyer's touches within the lookback (ts <= conversion time; ties ordered by channel, action, note). Users with touches and no conversion of any type give one non-converting path each (conversion_type 'none': touches within the lookback before their last touch). A conversion with no touch has path ''.
WITH conv AS (
    SELECT * FROM int_conversions
), lb AS (
    SELECT 7 AS lookback_days UNION ALL SELECT 15 UNION ALL SELECT 30 UNION ALL SELECT 60
), touched AS (
    SELECT c.conversion_type, c.conv_id, e.channel, e.action, COALESCE(e.note_id, '') AS note_key, e.ts,
           date_diff('second', e.ts, c.conv_ts) AS age_s
    FROM conv c
    JOIN stg_exposures e
      ON e.user_id = c.user_id
     AND e.ts <= c.conv_ts
     AND e.ts >= c.conv_ts - INTERVAL '60' DAY
), quiet AS (
    SELECT e.user_id, e.channel, e.action, COALESCE(e.note_id, '') AS note_key, e.ts,
           MAX(e.ts) OVER (PARTITION BY e.user_id) AS last_ts
    FROM stg_exposures e
    WHERE NOT EXISTS (SELECT 1 FROM conv c WHERE c.user_id = e.user_id)
), quiet_touched AS (
    SELECT 'none' AS conversion_type, user_id AS conv_id, channel, action, note_key, ts,
           date_diff('second', ts, last_ts) AS age_s
    FROM quiet
    WHERE ts >= last_ts - INTERVAL '60' DAY
), ranked AS (
    SELECT t.conversion_type, t.conv_id, lb.lookback_days, t.channel,
           ROW_NUMBER() OVER (PARTITION BY t.conversion_type, t.conv_id, lb.lookback_days
                              ORDER BY t.ts DESC, t.channel DESC, t.action DESC, t.note_key DESC) AS rn_desc
    FROM (SELECT * FROM touched UNION ALL SELECT * FROM quiet_touched) t
    JOIN lb ON t.age_s <= lb.lookback_days * 86400
), pivoted AS (
    SELECT conversion_type, conv_id, lookback_days,
           COUNT(*) AS touches,
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
    GROUP BY conversion_type, conv_id, lookback_days
), paths AS (
    SELECT conversion_type, conv_id, lookback_days, touches,
           SUBSTRING(
               CASE WHEN c20 IS NULL THEN '' ELSE CONCAT(' > ', c20) END
               || CASE WHEN c19 IS NULL THEN '' ELSE CONCAT(' > ', c19) END
               || CASE WHEN c18 IS NULL THEN '' ELSE CONCAT(' > ', c18) END
               || CASE WHEN c17 IS NULL THEN '' ELSE CONCAT(' > ', c17) END
               || CASE WHEN c16 IS NULL THEN '' ELSE CONCAT(' > ', c16) END
               || CASE WHEN c15 IS NULL THEN '' ELSE CONCAT(' > ', c15) END
               || CASE WHEN c14 IS NULL THEN '' ELSE CONCAT(' > ', c14) END
               || CASE WHEN c13 IS NULL THEN '' ELSE CONCAT(' > ', c13) END
               || CASE WHEN c12 IS NULL THEN '' ELSE CONCAT(' > ', c12) END
               || CASE WHEN c11 IS NULL THEN '' ELSE CONCAT(' > ', c11) END
               || CASE WHEN c10 IS NULL THEN '' ELSE CONCAT(' > ', c10) END
               || CASE WHEN c9 IS NULL THEN '' ELSE CONCAT(' > ', c9) END
               || CASE WHEN c8 IS NULL THEN '' ELSE CONCAT(' > ', c8) END
               || CASE WHEN c7 IS NULL THEN '' ELSE CONCAT(' > ', c7) END
               || CASE WHEN c6 IS NULL THEN '' ELSE CONCAT(' > ', c6) END
               || CASE WHEN c5 IS NULL THEN '' ELSE CONCAT(' > ', c5) END
               || CASE WHEN c4 IS NULL THEN '' ELSE CONCAT(' > ', c4) END
               || CASE WHEN c3 IS NULL THEN '' ELSE CONCAT(' > ', c3) END
               || CASE WHEN c2 IS NULL THEN '' ELSE CONCAT(' > ', c2) END
               || CASE WHEN c1 IS NULL THEN '' ELSE CONCAT(' > ', c1) END,
               4) AS path
    FROM pivoted
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
