-- 002_nickname_collation.sql - nicknames compare under UCA 5.2.0 (utf8mb4_unicode_520_ci).
-- utf8mb4_unicode_ci (UCA 4.0.0) gives every character outside the BMP the same weight, so
-- two nicknames that differ only in emoji (야식🍜 / 야식🍕) collided on the unique index.
-- UCA 5.2.0 weighs them apart while staying case-insensitive and treating canonically
-- equivalent spellings (precomposed 가 and its conjoining jamo) as the same nickname.
-- Available on MariaDB 10.x and MySQL 8.
ALTER TABLE users
  DROP INDEX uq_users_active_nickname,
  DROP COLUMN active_nickname;

ALTER TABLE users
  MODIFY nickname VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci NOT NULL,
  ADD COLUMN active_nickname VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci
    GENERATED ALWAYS AS (CASE WHEN is_deleted = 0 THEN nickname END) STORED,
  ADD UNIQUE KEY uq_users_active_nickname (active_nickname);
