-- Nexmark q11: user sessions. How many bids each bidder made in each session of activity, a
-- session ending after 10 seconds without a bid: SESSION windows per bidder.
SELECT
    bidder,
    count(*) AS bid_count,
    window_start AS starttime,
    window_end AS endtime
FROM SESSION(bid, date_time, INTERVAL '10' SECOND)
GROUP BY bidder, window_start, window_end;
