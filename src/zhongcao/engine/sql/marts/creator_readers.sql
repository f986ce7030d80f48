-- mart: creator_readers
-- grain: one row per creator × note brand × reader gender × age band × activity band
-- key: creator_id, note_brand, gender, age_band, activity_band
-- description: Readers of each creator's notes (panel users with any touch on them), split by the brand the note is about and by the cells the matched comparison uses: readers, engaged readers (like, collect, comment, share, follow), touches, the readers' orders from their first touch to 30 days after their last, and the length of those windows in seconds (integers, exact on every engine). Activity band: the user's touches in the whole period (0 none, 1 under 10, 2 under 20, 3 under 40, 4 forty or more).
WITH cells AS (
    SELECT * FROM int_user_cells
), reads AS (
    SELECT n.creator_id, COALESCE(n.brand, '') AS note_brand, e.user_id,
           MIN(e.ts) AS first_ts, MAX(e.ts) AS last_ts, COUNT(*) AS touches,
           MAX(CASE WHEN e.action IN ('like', 'collect', 'comment', 'share', 'follow') THEN 1 ELSE 0 END) AS engaged
    FROM stg_exposures e
    JOIN stg_notes n ON n.note_id = e.note_id
    GROUP BY n.creator_id, COALESCE(n.brand, ''), e.user_id
), outcome AS (
    SELECT r.creator_id, r.note_brand, r.user_id, r.touches, r.engaged, r.first_ts, r.last_ts,
           COUNT(o.order_id) AS orders
    FROM reads r
    LEFT JOIN stg_orders o
      ON o.user_id = r.user_id
     AND o.ordered_at >= r.first_ts
     AND o.ordered_at < r.last_ts + INTERVAL '30' DAY
    GROUP BY r.creator_id, r.note_brand, r.user_id, r.touches, r.engaged, r.first_ts, r.last_ts
)
SELECT o.creator_id, o.note_brand, c.gender, c.age_band, c.activity_band,
       COUNT(*) AS readers,
       SUM(o.engaged) AS engaged_readers,
       SUM(o.touches) AS touches,
       SUM(o.orders) AS orders,
       SUM(date_diff('second', o.first_ts, o.last_ts) + 30 * 86400) AS window_seconds
FROM outcome o
JOIN cells c ON c.user_id = o.user_id
GROUP BY o.creator_id, o.note_brand, c.gender, c.age_band, c.activity_band
