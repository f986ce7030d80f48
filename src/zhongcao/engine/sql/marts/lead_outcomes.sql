-- mart: lead_outcomes
-- grain: one row per lead status × days to first order (NULL: none; 91: over 90) × profile attribute × value, plus the platform panel as status 'platform'
-- key: status, days_to_order, attribute, value
-- description: Leads by outcome and profile (channel, lead note, panel segment, whether the lead's user is in the panel), and the panel itself as the all-users baseline.
WITH lead AS (
    SELECT l.lead_id, l.status, l.channel, l.note_id, l.days_to_order,
           u.user_id AS panel_user, u.gender, u.age_band, CAST(u.city_tier AS VARCHAR) AS city_tier, u.region
    FROM int_lead_orders l
    LEFT JOIN stg_users u ON u.user_id = l.user_id
), long AS (
    SELECT status, days_to_order, 'all' AS attribute, 'all' AS value FROM lead
    UNION ALL SELECT status, days_to_order, 'in_panel', CASE WHEN panel_user IS NULL THEN 'no' ELSE 'yes' END FROM lead
    UNION ALL SELECT status, days_to_order, 'channel', channel FROM lead
    UNION ALL SELECT status, days_to_order, 'lead_note', note_id FROM lead
    UNION ALL SELECT status, days_to_order, 'gender', gender FROM lead
    UNION ALL SELECT status, days_to_order, 'age_band', age_band FROM lead
    UNION ALL SELECT status, days_to_order, 'city_tier', city_tier FROM lead
    UNION ALL SELECT status, days_to_order, 'region', region FROM lead
    UNION ALL SELECT 'platform', CAST(NULL AS BIGINT), 'all', 'all' FROM stg_users
    UNION ALL SELECT 'platform', CAST(NULL AS BIGINT), 'gender', gender FROM stg_users
    UNION ALL SELECT 'platform', CAST(NULL AS BIGINT), 'age_band', age_band FROM stg_users
    UNION ALL SELECT 'platform', CAST(NULL AS BIGINT), 'city_tier', CAST(city_tier AS VARCHAR) FROM stg_users
    UNION ALL SELECT 'platform', CAST(NULL AS BIGINT), 'region', region FROM stg_users
)
SELECT status, days_to_order, attribute, value, COUNT(*) AS leads
FROM long
WHERE value IS NOT NULL
GROUP BY status, days_to_order, attribute, value
