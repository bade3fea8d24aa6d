-- 0021 · The partner API's analytics for a period are computed once and kept for a few minutes,
-- shared by every instance, instead of a scan of up to ten years on every request.

CREATE TABLE analytics_cache (
    period      text PRIMARY KEY,
    computed_at timestamptz NOT NULL,
    summary     jsonb NOT NULL
);
