-- intermediate: conversion_touches
-- grain: one row per conversion × touch of the converting user in the 60 days up to the conversion (ts <= conversion time)
-- description: The touches the attribution marts build journeys and credit from, ranked newest first per conversion (rn_desc; same-second ties ordered by channel, action, note). One ranking over 60 days serves every lookback: a shorter one keeps a prefix of it, since a touch's age only grows down the ranking.
SELECT t.conversion_type, t.conv_id, t.revenue, t.channel, t.action, t.note_key, t.ts, t.age_s,
       ROW_NUMBER() OVER (PARTITION BY t.conversion_type, t.conv_id
                          ORDER BY t.ts DESC, t.channel DESC, t.action DESC, t.note_key DESC) AS rn_desc
FROM (
    SELECT c.conversion_type, c.conv_id, c.revenue, e.channel, e.action, COALESCE(e.note_id, '') AS note_key, e.ts,
           date_diff('second', e.ts, c.conv_ts) AS age_s
    FROM int_conversions c
    JOIN stg_exposures e
      ON e.user_id = c.user_id
     AND e.ts <= c.conv_ts
     AND e.ts >= c.conv_ts - INTERVAL '60' DAY
) t
