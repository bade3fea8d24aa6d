-- 0008 · Dashboard figures computed in the background. At ten million orders the live sums take
-- seconds; the panel shows the latest snapshot (a few minutes old) and says when it was taken.

CREATE TABLE dashboard_snapshots (
    days        integer PRIMARY KEY CHECK (days BETWEEN 1 AND 366),
    time_zone   text NOT NULL,
    computed_at timestamptz NOT NULL,
    figures     jsonb NOT NULL
);
