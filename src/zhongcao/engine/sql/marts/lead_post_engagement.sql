-- mart: lead_post_engagement
-- grain: one row per lead status × days to first order (NULL: none; 91: over 90) × source (note, query) × item (note id or search text), for touches within 60 days after the lead
-- description: What leads read, saved, commented on and searched after leaving their contact: distinct leads and touches per note or query.
WITH first_order AS (
    SELECT l.lead_id, MIN(o.ordered_at) AS first_at
    FROM stg_leads l
    JOIN stg_orders o ON o.user_id = l.user_id AND o.ordered_at >= l.created_at
    GROUP BY l.lead_id
), lead AS (
    SELECT l.lead_id, l.user_id, l.created_at, l.status,
           CASE WHEN f.first_at IS NULL THEN NULL
                ELSE LEAST(DATE_DIFF('day', CAST(l.created_at AS DATE), CAST(f.first_at AS DATE)), 91) END AS days_to_order
    FROM stg_leads l
    LEFT JOIN first_order f ON f.lead_id = l.lead_id
), touch AS (
    SELECT ld.lead_id, ld.status, ld.days_to_order,
           CASE WHEN e.action = 'search' THEN 'query' ELSE 'note' END AS source,
           CASE WHEN e.action = 'search' THEN e.query ELSE e.note_id END AS item
    FROM lead ld
    JOIN stg_exposures e
      ON e.user_id = ld.user_id
     AND e.ts > ld.created_at
     AND e.ts <= ld.created_at + INTERVAL '60' DAY
    WHERE (e.action = 'search' AND e.query IS NOT NULL)
       OR (e.action IN ('read', 'like', 'collect', 'comment', 'share', 'follow') AND e.note_id IS NOT NULL)
)
SELECT status, days_to_order, source, item, COUNT(DISTINCT lead_id) AS leads, COUNT(*) AS touches
FROM touch
GROUP BY status, days_to_order, source, item
