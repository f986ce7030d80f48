-- mart: nps_monthly
-- grain: one row per month
-- key: month
-- description: Survey answers split into promoters (9–10), passives (7–8) and detractors (0–6).
SELECT CAST(DATE_TRUNC('month', answered_at) AS DATE) AS month,
       COUNT(*) AS responses,
       SUM(CASE WHEN nps >= 9 THEN 1 ELSE 0 END) AS promoters,
       SUM(CASE WHEN nps BETWEEN 7 AND 8 THEN 1 ELSE 0 END) AS passives,
       SUM(CASE WHEN nps <= 6 THEN 1 ELSE 0 END) AS detractors
FROM stg_surveys
GROUP BY CAST(DATE_TRUNC('month', answered_at) AS DATE)
