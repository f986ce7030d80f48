-- mart: query_weekly
-- grain: one row per week (day = its Monday) × search query (trimmed)
-- key: day, query
-- description: How often each search query was searched in a week and by how many distinct people, for trend detection; queries only, no user ids.
SELECT CAST(DATE_TRUNC('week', ts) AS DATE) AS day,
       TRIM(query) AS query,
       COUNT(*) AS searches,
       COUNT(DISTINCT user_id) AS searchers
FROM stg_exposures
WHERE query IS NOT NULL AND ts IS NOT NULL AND TRIM(query) <> ''
GROUP BY CAST(DATE_TRUNC('week', ts) AS DATE), TRIM(query)
