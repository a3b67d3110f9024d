-- 003_search_token_df.sql - document frequency of every search token, per scope.
-- The search planner reads it to MATCH only the rarest tokens of each word (InnoDB FULLTEXT
-- costs grow with the hits of every token it reads) and to switch to a newest-first scan when
-- even the rarest token is common. Kept in step with boards.search_tokens on create, update
-- and delete; a planning hint, so a drift of a few counts does no harm.
CREATE TABLE search_token_df (
  scope      ENUM('board','diary') NOT NULL,
  token      VARCHAR(96) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  df         INT NOT NULL DEFAULT 0,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (scope, token)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
