-- Nexmark q0: pass-through. Every bid, unchanged: measures the cost of reading and writing
-- the stream.
SELECT auction, bidder, price, date_time, extra FROM bid;
