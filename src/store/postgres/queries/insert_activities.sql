-- Steps of transfers' activity logs, in order.
-- Params: $1 transfer ids, $2 at (ms), $3 steps, $4 details
INSERT INTO transfer_activity (transfer_id, at, step, detail)
SELECT a.transfer_id, a.at, a.step, a.detail
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) WITH ORDINALITY AS a (transfer_id, at, step, detail, n)
ORDER BY a.n
