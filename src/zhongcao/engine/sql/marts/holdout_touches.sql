-- mart: holdout_touches
-- grain: one row per lift-study group (users.holdout_group: exposed or holdout) × day × channel
-- description: Touches received by each randomized group, to find the held-out campaign's channel and window; `group_users` is the size of the group.
WITH g AS (
    SELECT user_id, holdout_group FROM stg_users WHERE holdout_group IN ('exposed', 'holdout')
), sizes AS (
    SELECT holdout_group, COUNT(*) AS group_users FROM g GROUP BY holdout_group
)
SELECT g.holdout_group, CAST(e.ts AS DATE) AS day, e.channel,
       MAX(s.group_users) AS group_users,
       COUNT(*) AS touches,
       COUNT(DISTINCT e.user_id) AS users_touched
FROM stg_exposures e
JOIN g ON g.user_id = e.user_id
JOIN sizes s ON s.holdout_group = g.holdout_group
GROUP BY g.holdout_group, CAST(e.ts AS DATE), e.channel
