-- Adds @n (which may be negative) to the count of hooks in @status (see migration 014).
-- Params: @status, @n
INSERT INTO status_counts (kind, key, n) VALUES ('hooks', @status, @n)
ON CONFLICT (kind, key) DO UPDATE SET n = n + @n
