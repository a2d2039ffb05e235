-- Nexmark q19: auction top-10 price. The ten highest bids of each auction, with their rank: a
-- top-N per key without a window, so the result is a changelog of rank changes.
SELECT * FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number
    FROM bid
) AS ranked
WHERE rank_number <= 10;
