-- Nexmark q2: selection. The bids of every 123rd auction, with their price.
SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0;
