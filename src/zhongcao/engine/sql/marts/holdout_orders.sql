-- mart: holdout_orders
-- grain: one row per lift-study group (users.holdout_group: exposed or holdout) × day × platform
-- description: Orders, revenue and sums of squared order amounts by randomized group and day, for lift studies; `group_users` is the size of the group.
WITH g AS (
    SELECT user_id, holdout_group FROM stg_users WHERE holdout_group IN ('exposed', 'holdout')
), sizes AS (
    SELECT holdout_group, COUNT(*) AS group_users FROM g GROUP BY holdout_group
)
SELECT g.holdout_group, CAST(o.ordered_at AS DATE) AS day, o.platform,
       MAX(s.group_users) AS group_users,
       COUNT(*) AS orders,
       COUNT(DISTINCT o.user_id) AS buyers,
       SUM(o.amount) AS revenue,
       SUM(o.amount * o.amount) AS revenue_sq
FROM stg_orders o
JOIN g ON g.user_id = o.user_id
JOIN sizes s ON s.holdout_group = g.holdout_group
GROUP BY g.holdout_group, CAST(o.ordered_at AS DATE), o.platform
