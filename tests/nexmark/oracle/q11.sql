-- q11 for DuckDB: sessions per bidder as gaps and islands — a new session where the previous bid
-- of the bidder is more than 10 s earlier; a session ends 10 s after its last bid.
WITH marked AS (
    SELECT bidder, date_time,
           CASE WHEN date_time - lag(date_time) OVER (PARTITION BY bidder ORDER BY date_time)
                     <= INTERVAL '10 seconds' THEN 0 ELSE 1 END AS new_session
    FROM bid
),
numbered AS (
    SELECT bidder, date_time,
           sum(new_session) OVER (PARTITION BY bidder ORDER BY date_time
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session
    FROM marked
)
SELECT bidder, count(*) AS bid_count, min(date_time) AS starttime,
       max(date_time) + INTERVAL '10 seconds' AS endtime
FROM numbered
GROUP BY bidder, session;
