-- Nexmark q18: find last bid. The latest bid of each bidder on each auction: deduplication with
-- ROW_NUMBER() ... = 1, a changelog (a newer bid replaces the older one).
SELECT auction, bidder, price, channel, url, date_time, extra
FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC) AS rank_number
    FROM bid
) AS ranked
WHERE rank_number <= 1;
