-- The shared crawl frontier of a cluster (PostgreSQL only): crawl workers
-- on any number of machines claim URLs from it, one lease at a time, and
-- keep politeness per host for all of them together. Times here come
-- from the database's clock, never a worker's, so machines whose clocks
-- disagree still space their requests to a host correctly.

-- One row per origin (scheme://host[:port]): its politeness state and its
-- robots.txt, fetched once and read by every worker.
CREATE TABLE cluster_hosts (
    origin        TEXT PRIMARY KEY,
    delay_ms      BIGINT NOT NULL DEFAULT 0,              -- max(configured delay, robots.txt Crawl-delay)
    next_at       TIMESTAMPTZ NOT NULL DEFAULT '-infinity', -- no request starts before: last end + delay, or a 429/503 pause
    robots_done   BOOLEAN NOT NULL DEFAULT false,          -- robots.txt known; until then only its own job is claimed
    robots_status INTEGER NOT NULL DEFAULT 0,
    robots_body   BYTEA,
    robots_block  TEXT NOT NULL DEFAULT '',                -- non-empty: every URL of the host refused, with this reason
    robots_at     TIMESTAMPTZ                              -- fetched at; older than a day is fetched again
);
CREATE INDEX cluster_hosts_next ON cluster_hosts (next_at);

-- One row per URL of a run. state: queued → leased (lease_owner until
-- lease_until) → done. claims counts leases handed out: the update that
-- completes a URL names the owner and the claim it holds, so the result
-- of a worker whose lease was taken over is refused.
CREATE TABLE cluster_frontier (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      BIGINT NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    origin      TEXT NOT NULL REFERENCES cluster_hosts (origin),
    url         TEXT NOT NULL,
    source      TEXT NOT NULL,
    kind        TEXT NOT NULL,                            -- robots, discover, page, doc
    depth       BIGINT NOT NULL DEFAULT 0,
    listing     BOOLEAN NOT NULL DEFAULT false,
    title       TEXT NOT NULL DEFAULT '',
    published   TEXT NOT NULL DEFAULT '',
    date_source TEXT NOT NULL DEFAULT '',
    doc_number  TEXT NOT NULL DEFAULT '',
    attempt     INTEGER NOT NULL DEFAULT 0,               -- failed attempts so far (retries)
    not_before  TIMESTAMPTZ NOT NULL DEFAULT '-infinity', -- a retry's backoff
    state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'done')),
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until TIMESTAMPTZ,
    claims      INTEGER NOT NULL DEFAULT 0,
    queued_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    done_at     TIMESTAMPTZ,
    done_by     TEXT NOT NULL DEFAULT '',
    UNIQUE (run_id, key)
);
CREATE INDEX cluster_frontier_open ON cluster_frontier (origin, id) WHERE state <> 'done';
CREATE INDEX cluster_frontier_run_open ON cluster_frontier (run_id) WHERE state <> 'done';

-- Scheduled crawls of a cluster: every server with a schedule sees a crawl
-- come due; the first to record (schedule, due time) starts it and the
-- others let it be, so a scheduled crawl runs once across the cluster
-- however many nodes keep the schedule.
CREATE TABLE cluster_schedule (
    schedule   TEXT NOT NULL,  -- the schedule and the sources it crawls
    due_at     TEXT NOT NULL,  -- RFC 3339 (UTC): the instant the schedule named
    node       TEXT NOT NULL,  -- who started it
    claimed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (schedule, due_at)
);
