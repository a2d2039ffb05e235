-- q8 for DuckDB: TUMBLE(10 s) written with time_bucket.
SELECT P.id, P.name, P.starttime
FROM (
    SELECT id, name, time_bucket(INTERVAL '10 seconds', date_time) AS starttime
    FROM person GROUP BY id, name, time_bucket(INTERVAL '10 seconds', date_time)
) P
JOIN (
    SELECT seller, time_bucket(INTERVAL '10 seconds', date_time) AS starttime
    FROM auction GROUP BY seller, time_bucket(INTERVAL '10 seconds', date_time)
) A
ON P.id = A.seller AND P.starttime = A.starttime;
