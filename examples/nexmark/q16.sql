-- Nexmark q16: channel statistics per day: q15 per channel, with the latest minute of the day
-- that saw a bid. Over a one-day TUMBLE window, like q15.
SELECT
    channel,
    to_char(window_start, 'YYYY-MM-DD') AS day,
    max(to_char(date_time, 'HH24:MI')) AS minute,
    count(*) AS total_bids,
    count(*) filter (where price < 10000) AS rank1_bids,
    count(*) filter (where price >= 10000 and price < 1000000) AS rank2_bids,
    count(*) filter (where price >= 1000000) AS rank3_bids,
    count(distinct bidder) AS total_bidders,
    count(distinct bidder) filter (where price < 10000) AS rank1_bidders,
    count(distinct bidder) filter (where price >= 10000 and price < 1000000) AS rank2_bidders,
    count(distinct bidder) filter (where price >= 1000000) AS rank3_bidders,
    count(distinct auction) AS total_auctions,
    count(distinct auction) filter (where price < 10000) AS rank1_auctions,
    count(distinct auction) filter (where price >= 10000 and price < 1000000) AS rank2_auctions,
    count(distinct auction) filter (where price >= 1000000) AS rank3_auctions
FROM TUMBLE(bid, date_time, INTERVAL '1' DAY)
GROUP BY channel, window_start, window_end;
