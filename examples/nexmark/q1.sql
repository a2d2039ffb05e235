-- Nexmark q1: currency conversion. Each bid's price from dollars to euros.
SELECT
    auction,
    bidder,
    0.908 * price AS price, -- dollars to euros
    date_time,
    extra
FROM bid;
