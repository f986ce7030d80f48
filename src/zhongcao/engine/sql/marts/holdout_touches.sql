-- mart: holdout_touches
-- grain: one row per lift-study group (users.holdout_group: exposed or holdout) × day × channel
-- key: holdout_group, day, channel
-- description: Touches received by each randomized group, to find the held-out campaign's channel and window; `group_users` is the size of the group.
SELECT g.holdout_group, CAST(e.ts AS DATE) AS day, e.channel,
       MAX(g.group_users) AS group_users,
       COUNT(*) AS touches,
       COUNT(DISTINCT e.user_id) AS users_touched
FROM stg_exposures e
JOIN int_holdout_groups g ON g.user_id = e.user_id
GROUP BY g.holdout_group, CAST(e.ts AS DATE), e.channel
