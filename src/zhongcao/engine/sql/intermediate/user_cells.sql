-- intermediate: user_cells
-- grain: one row per panel user
-- description: The matching cell of each panel user: gender, age band and activity band (touches in the whole period: 0 none, 1 under 10, 2 under 20, 3 under 40, 4 forty or more). Creator readers and the baseline they are matched against must use the same cells.
WITH activity AS (
    SELECT user_id, COUNT(*) AS touches FROM stg_exposures GROUP BY user_id
)
SELECT u.user_id, COALESCE(u.gender, '') AS gender, COALESCE(u.age_band, '') AS age_band,
       CASE WHEN a.touches IS NULL THEN 0 WHEN a.touches < 10 THEN 1 WHEN a.touches < 20 THEN 2
            WHEN a.touches < 40 THEN 3 ELSE 4 END AS activity_band
FROM stg_users u
LEFT JOIN activity a ON a.user_id = u.user_id
