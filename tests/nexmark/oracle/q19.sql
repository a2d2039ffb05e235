-- q19 for DuckDB: bids of equal price rank in arrival order, as the streaming top-N ranks them
-- (rowid is the order of the events in the dump).
SELECT * FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC, rowid) AS rank_number
    FROM bid
) AS ranked
WHERE rank_number <= 10;
