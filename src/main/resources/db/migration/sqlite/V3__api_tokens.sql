-- API tokens for /api/: only a SHA-256 of each token is kept; the token is shown once.
CREATE TABLE api_token (
  name         TEXT    PRIMARY KEY,
  token_hash   TEXT    NOT NULL UNIQUE,   -- hex SHA-256 of the token
  created_at   INTEGER NOT NULL,          -- epoch milliseconds, UTC
  last_used_at INTEGER                    -- null until first used
);
