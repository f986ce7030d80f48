-- intermediate: lead_orders
-- grain: one row per lead
-- description: Each lead with the days from the lead to the user's first order at or after it (capped at 91; null when none), the outcome both lead marts classify by.
WITH first_order AS (
    SELECT l.lead_id, MIN(o.ordered_at) AS first_at
    FROM stg_leads l
    JOIN stg_orders o ON o.user_id = l.user_id AND o.ordered_at >= l.created_at
    GROUP BY l.lead_id
)
SELECT l.lead_id, l.user_id, l.created_at, l.status, l.channel, l.note_id,
       CASE WHEN f.first_at IS NULL THEN NULL
            ELSE LEAST(DATE_DIFF('day', CAST(l.created_at AS DATE), CAST(f.first_at AS DATE)), 91) END AS days_to_order
FROM stg_leads l
LEFT JOIN first_order f ON f.lead_id = l.lead_id
