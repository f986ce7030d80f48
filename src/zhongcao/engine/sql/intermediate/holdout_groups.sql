-- intermediate: holdout_groups
-- grain: one row per panel user in a lift study (users.holdout_group exposed or holdout)
-- description: Each lift-study user's randomized group and the size of that group (group_users), shared by the holdout marts.
SELECT user_id, holdout_group, COUNT(*) OVER (PARTITION BY holdout_group) AS group_users
FROM stg_users
WHERE holdout_group IN ('exposed', 'holdout')
