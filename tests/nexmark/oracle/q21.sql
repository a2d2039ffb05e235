-- q21 for DuckDB: regexp_match does not exist there; regexp_extract gives '' (not NULL) when the
-- URL has no channel_id, so NULLIF turns that back into the NULL the query tests for.
SELECT
    auction, bidder, price, channel,
    CASE
        WHEN lower(channel) = 'apple' THEN '0'
        WHEN lower(channel) = 'google' THEN '1'
        WHEN lower(channel) = 'facebook' THEN '2'
        WHEN lower(channel) = 'baidu' THEN '3'
        ELSE NULLIF(regexp_extract(url, '(&|^)channel_id=([^&]*)', 2), '')
    END AS channel_id
FROM bid
WHERE NULLIF(regexp_extract(url, '(&|^)channel_id=([^&]*)', 2), '') IS NOT NULL
   OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu');
