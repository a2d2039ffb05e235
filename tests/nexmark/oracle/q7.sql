-- q7 for DuckDB: TUMBLE(10 s) written with time_bucket.
SELECT B.auction, B.price, B.bidder, B.date_time, B.extra
FROM bid B
JOIN (
    SELECT max(price) AS maxprice,
           time_bucket(INTERVAL '10 seconds', date_time) + INTERVAL '10 seconds' AS date_time
    FROM bid
    GROUP BY time_bucket(INTERVAL '10 seconds', date_time)
) B1
ON B.price = B1.maxprice
WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10 seconds' AND B1.date_time;
