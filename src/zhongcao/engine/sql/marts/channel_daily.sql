-- mart: channel_daily
-- grain: one row per day × channel
-- key: day, channel
-- description: Spend, bought impressions and clicks (from spend), touches by action (from exposures) and leads, per day and channel.
WITH s AS (
    SELECT date AS day, channel,
           CAST(SUM(CAST(amount AS DECIMAL(38, 10))) AS DOUBLE) AS spend,
           SUM(COALESCE(impressions, 0)) AS impressions,
           SUM(COALESCE(clicks, 0)) AS clicks
    FROM stg_spend
    GROUP BY date, channel
), e AS (
    SELECT CAST(ts AS DATE) AS day, channel,
           SUM(CASE WHEN action = 'view' THEN 1 ELSE 0 END) AS views,
           SUM(CASE WHEN action = 'read' THEN 1 ELSE 0 END) AS reads,
           SUM(CASE WHEN action IN ('like', 'collect', 'comment', 'share') THEN 1 ELSE 0 END) AS engagements,
           SUM(CASE WHEN action = 'collect' THEN 1 ELSE 0 END) AS collects,
           SUM(CASE WHEN action = 'search' THEN 1 ELSE 0 END) AS searches,
           SUM(CASE WHEN action = 'click' THEN 1 ELSE 0 END) AS touch_clicks,
           COUNT(*) AS touches
    FROM stg_exposures
    GROUP BY CAST(ts AS DATE), channel
), l AS (
    SELECT CAST(created_at AS DATE) AS day, COALESCE(channel, 'unknown') AS channel,
           COUNT(*) AS leads,
           SUM(CASE WHEN status IN ('trial', 'won') THEN 1 ELSE 0 END) AS trials,
           SUM(CASE WHEN status = 'won' THEN 1 ELSE 0 END) AS won,
           SUM(CASE WHEN status = 'lost' THEN 1 ELSE 0 END) AS lost
    FROM stg_leads
    GROUP BY CAST(created_at AS DATE), COALESCE(channel, 'unknown')
), k AS (
    SELECT day, channel FROM s
    UNION
    SELECT day, channel FROM e
    UNION
    SELECT day, channel FROM l
)
SELECT k.day, k.channel,
       COALESCE(s.spend, 0.0) AS spend,
       COALESCE(s.impressions, 0) AS impressions,
       COALESCE(s.clicks, 0) AS clicks,
       COALESCE(e.views, 0) AS views,
       COALESCE(e.reads, 0) AS reads,
       COALESCE(e.engagements, 0) AS engagements,
       COALESCE(e.collects, 0) AS collects,
       COALESCE(e.searches, 0) AS searches,
       COALESCE(e.touch_clicks, 0) AS touch_clicks,
       COALESCE(e.touches, 0) AS touches,
       COALESCE(l.leads, 0) AS leads,
       COALESCE(l.trials, 0) AS trials,
       COALESCE(l.won, 0) AS won,
       COALESCE(l.lost, 0) AS lost
FROM k
LEFT JOIN s ON s.day = k.day AND s.channel = k.channel
LEFT JOIN e ON e.day = k.day AND e.channel = k.channel
LEFT JOIN l ON l.day = k.day AND l.channel = k.channel
