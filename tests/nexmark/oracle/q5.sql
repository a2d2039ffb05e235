-- q5 for DuckDB: HOP(2 s, 10 s) written out: each bid in the five windows that hold it.
WITH hop AS (
    SELECT b.auction,
           time_bucket(INTERVAL '2 seconds', b.date_time) - g.k * INTERVAL '2 seconds' AS window_start
    FROM bid b CROSS JOIN range(5) AS g(k)
),
counts AS (
    SELECT auction, count(*) AS num, window_start AS starttime,
           window_start + INTERVAL '10 seconds' AS endtime
    FROM hop GROUP BY auction, window_start
),
maxes AS (
    SELECT max(num) AS maxn, starttime, endtime FROM counts GROUP BY starttime, endtime
)
SELECT c.auction, c.num
FROM counts c JOIN maxes m
ON c.starttime = m.starttime AND c.endtime = m.endtime AND c.num >= m.maxn;
