-- mart: campaign_daily
-- grain: one row per campaign × channel × day (spend rows without a campaign are left out)
-- key: campaign, channel, day
-- description: Spend per named campaign and day, which gives each campaign's window for lift studies.
SELECT campaign, channel, date AS day, CAST(SUM(CAST(amount AS DECIMAL(38, 10))) AS DOUBLE) AS cost
FROM stg_spend
WHERE campaign IS NOT NULL AND campaign <> ''
GROUP BY campaign, channel, date
