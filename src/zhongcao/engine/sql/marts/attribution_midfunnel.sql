-- mart: attribution_midfunnel
-- grain: one row per channel × creator of the note read ('' for reads without a note)
-- key: channel, creator_id
-- description: Mid-funnel signals per channel and creator, 7 days after each reader's first read there: readers, readers who searched the brand or a product (回搜: query contains the brand of a paid note or an ordered product name), readers who clicked through to a shop (click on any channel), deeply interested readers (a collect, share or brand search), and readers who became deeply interested for the first time (for CPTI).
WITH terms AS (
    SELECT DISTINCT brand AS term FROM stg_notes WHERE cost > 0 AND brand IS NOT NULL AND LENGTH(brand) >= 2
    UNION
    SELECT DISTINCT product AS term FROM stg_orders WHERE product IS NOT NULL AND LENGTH(product) >= 2
), brand_search AS (
    SELECT DISTINCT e.user_id, e.ts
    FROM stg_exposures e
    JOIN terms t ON e.query LIKE CONCAT('%', t.term, '%')
    WHERE e.action = 'search'
), deep_events AS (
    SELECT user_id, ts FROM stg_exposures WHERE action IN ('collect', 'share')
    UNION ALL
    SELECT user_id, ts FROM brand_search
), first_deep AS (
    SELECT user_id, MIN(ts) AS ts FROM deep_events GROUP BY user_id
), clicks AS (
    SELECT DISTINCT user_id, ts FROM stg_exposures WHERE action = 'click'
), reads AS (
    SELECT e.user_id, e.channel, COALESCE(n.creator_id, '') AS creator_id, MIN(e.ts) AS ts
    FROM stg_exposures e
    LEFT JOIN stg_notes n ON n.note_id = e.note_id
    WHERE e.action = 'read'
    GROUP BY e.user_id, e.channel, COALESCE(n.creator_id, '')
), flags AS (
    SELECT r.user_id, r.channel, r.creator_id,
           CASE WHEN EXISTS (SELECT 1 FROM brand_search b WHERE b.user_id = r.user_id AND b.ts > r.ts
                             AND b.ts <= r.ts + INTERVAL '7' DAY) THEN 1 ELSE 0 END AS searched,
           CASE WHEN EXISTS (SELECT 1 FROM clicks c WHERE c.user_id = r.user_id AND c.ts >= r.ts
                             AND c.ts <= r.ts + INTERVAL '7' DAY) THEN 1 ELSE 0 END AS clicked,
           CASE WHEN EXISTS (SELECT 1 FROM deep_events d WHERE d.user_id = r.user_id AND d.ts >= r.ts
                             AND d.ts <= r.ts + INTERVAL '7' DAY) THEN 1 ELSE 0 END AS deep,
           CASE WHEN f.ts >= r.ts AND f.ts <= r.ts + INTERVAL '7' DAY THEN 1 ELSE 0 END AS new_deep
    FROM reads r
    LEFT JOIN first_deep f ON f.user_id = r.user_id
)
SELECT channel, creator_id,
       COUNT(*) AS readers,
       SUM(searched) AS searchers,
       SUM(clicked) AS clickers,
       SUM(deep) AS deep_readers,
       SUM(new_deep) AS new_deep_readers
FROM flags
GROUP BY channel, creator_id
