-- Nexmark q15: bidding statistics per day — bids, distinct bidders and distinct auctions, in
-- three price ranks. Over a window of one day (TUMBLE), so that count(DISTINCT ...) is computed
-- per closed day.
SELECT
     to_char(window_start, 'YYYY-MM-DD') AS day,
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
GROUP BY window_start, window_end;
