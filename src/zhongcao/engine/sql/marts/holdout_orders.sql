-- mart: holdout_orders
-- grain: one row per lift-study group (users.holdout_group: exposed or holdout) × day × platform
-- key: holdout_group, day, platform
-- description: Orders, revenue and sums of squared order amounts by randomized group and day, for lift studies; `group_users` is the size of the group.
SELECT g.holdout_group, CAST(o.ordered_at AS DATE) AS day, o.platform,
       MAX(g.group_users) AS group_users,
       COUNT(*) AS orders,
       COUNT(DISTINCT o.user_id) AS buyers,
       CAST(SUM(CAST(o.amount AS DECIMAL(38, 10))) AS DOUBLE) AS revenue,
       SUM(o.amount * o.amount) AS revenue_sq
FROM stg_orders o
JOIN int_holdout_groups g ON g.user_id = o.user_id
GROUP BY g.holdout_group, CAST(o.ordered_at AS DATE), o.platform
