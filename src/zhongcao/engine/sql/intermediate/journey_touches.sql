-- intermediate: journey_touches
-- grain: one row per journey × touch: a conversion (a won lead, or an order on any platform) with each touch of its user in the 60 days up to it (ts <= conversion time), and a user with touches and no conversion of any type (conversion_type 'none', conv_id = user_id) with each touch in the 60 days up to their last touch
-- description: The touches the attribution marts build journeys and credit from, ranked newest first per journey (rn_desc; same-second ties ordered by channel, action, note). One ranking over 60 days serves every lookback: a shorter one keeps a prefix of it, since a touch's age only grows down the ranking. Conversions and non-converting users are joined to the touches in one pass (a filter on conversion_type prunes the other branch).
WITH quiet AS (
    SELECT l.user_id, l.last_ts
    FROM (SELECT user_id, MAX(ts) AS last_ts FROM stg_exposures GROUP BY user_id) l
    WHERE NOT EXISTS (SELECT 1 FROM int_conversions c WHERE c.user_id = l.user_id)
), anchors AS (
    SELECT conversion_type, conv_id, user_id, conv_ts AS anchor_ts, revenue FROM int_conversions
    UNION ALL
    SELECT 'none' AS conversion_type, user_id AS conv_id, user_id, last_ts AS anchor_ts, CAST(0 AS DOUBLE) AS revenue
    FROM quiet
)
SELECT t.conversion_type, t.conv_id, t.revenue, t.channel, t.action, t.note_key, t.ts, t.age_s,
       ROW_NUMBER() OVER (PARTITION BY t.conversion_type, t.conv_id
                          ORDER BY t.ts DESC, t.channel DESC, t.action DESC, t.note_key DESC) AS rn_desc
FROM (
    SELECT a.conversion_type, a.conv_id, a.revenue, e.channel, e.action, COALESCE(e.note_id, '') AS note_key, e.ts,
           date_diff('second', e.ts, a.anchor_ts) AS age_s
    FROM anchors a
    JOIN stg_exposures e
      ON e.user_id = a.user_id
     AND e.ts <= a.anchor_ts
     AND e.ts >= a.anchor_ts - INTERVAL '60' DAY
) t
