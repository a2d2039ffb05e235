-- q18 for DuckDB: bids of the same time rank in arrival order, as the streaming deduplication
-- ranks them (rowid is the order of the events in the dump).
SELECT auction, bidder, price, channel, url, date_time, extra
FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC, rowid)
        AS rank_number
    FROM bid
) AS ranked
WHERE rank_number <= 1;
