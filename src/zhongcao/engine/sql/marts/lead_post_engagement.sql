-- mart: lead_post_engagement
-- grain: one row per lead status × days to first order (NULL: none; 91: over 90) × source (note, query) × item (note id or search text), for touches within 60 days after the lead
-- key: status, days_to_order, source, item
-- description: What leads read, saved, commented on and searched after leaving their contact: distinct leads and touches per note or query.
WITH lead AS (
    SELECT lead_id, user_id, created_at, status, days_to_order
    FROM int_lead_orders
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
