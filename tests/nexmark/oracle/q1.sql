-- q1 for DuckDB: 0.908 is a DECIMAL there (and in Flink); our engine has no decimal type and
-- computes in float64, so the oracle multiplies in DOUBLE too and the results compare exactly.
SELECT auction, bidder, CAST(0.908 AS DOUBLE) * price AS price, date_time, extra FROM bid;
