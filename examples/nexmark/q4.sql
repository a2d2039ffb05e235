-- Nexmark q4: average price per category. The winning (highest) bid of each auction among the
-- bids made while it was open, then their average per category. The inner aggregation's results
-- change as bids arrive, so the outer one retracts and re-adds them: the result is a changelog.
SELECT
    Q.category,
    AVG(Q.final) AS avg_final
FROM (
    SELECT MAX(B.price) AS final, A.category
    FROM auction A, bid B
    WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires
    GROUP BY A.id, A.category
) Q
GROUP BY Q.category;
