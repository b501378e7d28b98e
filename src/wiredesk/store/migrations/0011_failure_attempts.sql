-- 0011_failure_attempts: one row of failures per item, with its attempts, instead of one row per failed
-- attempt (a file that could never be extracted added a row on every run: 96 a day on a 15-minute
-- schedule). The rule for trying an item again is wiredesk.domain.retry. Shipped migrations are never edited.

CREATE TABLE failures_per_item (
    run_id          BIGINT NOT NULL,            -- the run of the last attempt
    origin          VARCHAR PRIMARY KEY,        -- the item: file path, record (path#n) or URL
    stage           VARCHAR NOT NULL,           -- load | clean | fetch | store
    reason          VARCHAR NOT NULL,
    message         VARCHAR NOT NULL,
    failed_at       TIMESTAMPTZ NOT NULL,       -- the last attempt
    first_failed_at TIMESTAMPTZ NOT NULL,       -- the first attempt of this series
    attempts        INTEGER NOT NULL,           -- attempts that failed in a row (a new series starts at 1 when
                                                -- the content or the code version changed)
    retry_at        TIMESTAMPTZ,                -- when it may be tried again; NULL: only with new content or code
    content         VARCHAR,                    -- what failed: the bytes' SHA-256, or a file's size and times
    code_version    VARCHAR                     -- the code (and settings) that failed on it
);

-- every earlier failure becomes its item's one row: the latest attempt, counting all of them; with no
-- retry time, an old failure is tried once more by the next run (the code that made it had no such rule)
INSERT INTO failures_per_item
SELECT run_id, origin, stage, reason, message, failed_at, first_at, n_failed, failed_at, NULL, NULL
FROM (
    SELECT run_id, origin, stage, reason, message, failed_at,
           row_number() OVER (PARTITION BY origin ORDER BY failed_at DESC, run_id DESC) AS latest,
           count(*) OVER (PARTITION BY origin) AS n_failed,
           min(failed_at) OVER (PARTITION BY origin) AS first_at
    FROM failures
) WHERE latest = 1;

DROP TABLE failures;
ALTER TABLE failures_per_item RENAME TO failures;
