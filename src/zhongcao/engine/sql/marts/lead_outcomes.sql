-- mart: lead_outcomes
-- grain: one row per lead status × days to first order (NULL: none; 91: over 90) × profile attribute × value, plus the platform panel as status 'platform'
-- description: Leads by outcome and profile (channel, lead note, panel segment, whether the lead's user is in the panel), and the panel itself as the all-users baseline.
WITH first_order AS (
    SELECT l.lead_id, MIN(o.ordered_at) AS first_at
    FROM stg_leads l
    JOIN stg_orders o ON o.user_id = l.user_id AND o.ordered_at >= l.created_at
    GROUP BY l.lead_id
), lead AS (
    SELECT l.lead_id, l.status, l.channel, l.note_id,
           CASE WHEN f.first_at IS NULL THEN NULL
                ELSE LEAST(DATE_DIFF('day', CAST(l.created_at AS DATE), CAST(f.first_at AS DATE)), 91) END AS days_to_order,
           u.user_id AS panel_user, u.gender, u.age_band, CAST(u.city_tier AS VARCHAR) AS city_tier, u.region
    FROM stg_leads l
    LEFT JOIN first_order f ON f.lead_id = l.lead_id
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
