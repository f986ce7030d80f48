-- mart: customer_history
-- grain: one row per platform × first-order month × repeat purchases × recency week × age week × average repeat order value (CNY, rounded); platform 'all' counts across platforms
-- key: platform, month, frequency, recency_weeks, age_weeks, repeat_value
-- description: Buyers grouped by identical purchase histories (BG/NBD and Gamma-Gamma inputs: frequency = repeat purchase days, recency and age in weeks to the data's last order day), with the count of buyers sharing each.
WITH days AS (
    SELECT platform, user_id, CAST(ordered_at AS DATE) AS day, SUM(CAST(amount AS DECIMAL(38, 10))) AS amount
    FROM stg_orders GROUP BY platform, user_id, CAST(ordered_at AS DATE)
    UNION ALL
    SELECT 'all' AS platform, user_id, CAST(ordered_at AS DATE) AS day, SUM(CAST(amount AS DECIMAL(38, 10))) AS amount
    FROM stg_orders GROUP BY user_id, CAST(ordered_at AS DATE)
), ranked AS (
    SELECT platform, user_id, day, amount,
           ROW_NUMBER() OVER (PARTITION BY platform, user_id ORDER BY day) AS nth
    FROM days
), per_buyer AS (
    SELECT platform, user_id,
           MIN(day) AS first_day,
           MAX(day) AS last_day,
           COUNT(*) - 1 AS frequency,
           CAST(SUM(CASE WHEN nth > 1 THEN amount ELSE 0 END) AS DOUBLE) AS repeat_amount
    FROM ranked GROUP BY platform, user_id
), horizon AS (
    SELECT MAX(CAST(ordered_at AS DATE)) AS end_day FROM stg_orders
)
SELECT b.platform,
       CAST(DATE_TRUNC('month', b.first_day) AS DATE) AS month,
       b.frequency,
       ROUND(CAST(DATE_DIFF('day', b.first_day, b.last_day) AS DOUBLE) / 7.0, 2) AS recency_weeks,
       ROUND(CAST(DATE_DIFF('day', b.first_day, h.end_day) AS DOUBLE) / 7.0, 2) AS age_weeks,
       CASE WHEN b.frequency > 0 THEN ROUND(b.repeat_amount / b.frequency, 0) ELSE 0.0 END AS repeat_value,
       COUNT(*) AS customers
FROM per_buyer b CROSS JOIN horizon h
GROUP BY b.platform, CAST(DATE_TRUNC('month', b.first_day) AS DATE), b.frequency,
         ROUND(CAST(DATE_DIFF('day', b.first_day, b.last_day) AS DOUBLE) / 7.0, 2),
         ROUND(CAST(DATE_DIFF('day', b.first_day, h.end_day) AS DOUBLE) / 7.0, 2),
         CASE WHEN b.frequency > 0 THEN ROUND(b.repeat_amount / b.frequency, 0) ELSE 0.0 END
