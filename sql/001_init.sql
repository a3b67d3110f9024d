-- 001_init.sql - the whole data model of SPEC §7.
-- Conventions: ids are BIGINT UNSIGNED; instants are DATETIME(3) in UTC (sessions run with
-- time_zone = '+00:00'); user content has is_deleted + deleted_at (soft delete);
-- uniqueness among registered (not deleted) users is enforced by unique indexes on generated
-- columns that are NULL for deleted rows. Later changes go in new numbered files.

CREATE TABLE users (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email             VARCHAR(60)  NOT NULL COMMENT 'stored lower-cased',
  password_hash     VARCHAR(255) NOT NULL COMMENT 'argon2id encoded string',
  first_name        VARCHAR(40)  NOT NULL,
  last_name         VARCHAR(40)  NOT NULL,
  nickname          VARCHAR(20)  NOT NULL,
  phone_number      VARCHAR(20)  NOT NULL,
  gender            ENUM('MALE','FEMALE') NOT NULL,
  birth_date        DATE         NOT NULL,
  profile_photo_url VARCHAR(512) NULL,
  role              ENUM('USER','ADMIN') NOT NULL DEFAULT 'USER',
  status            ENUM('ACTIVE','DELETED') NOT NULL DEFAULT 'ACTIVE',
  created_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  deleted_at        DATETIME(3)  NULL,
  is_deleted        TINYINT(1)   NOT NULL DEFAULT 0,
  active_email      VARCHAR(60) GENERATED ALWAYS AS (CASE WHEN is_deleted = 0 THEN email END) STORED,
  active_nickname   VARCHAR(20) GENERATED ALWAYS AS (CASE WHEN is_deleted = 0 THEN nickname END) STORED,
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_active_email (active_email),
  UNIQUE KEY uq_users_active_nickname (active_nickname),
  KEY ix_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE address_infos (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id        BIGINT UNSIGNED NOT NULL,
  zip_code       CHAR(5)      NOT NULL,
  main_address   VARCHAR(200) NOT NULL,
  detail_address VARCHAR(200) NOT NULL DEFAULT '',
  created_at     DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at     DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_address_infos_user (user_id),
  CONSTRAINT fk_address_infos_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE diaries (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id         BIGINT UNSIGNED NOT NULL,
  title           VARCHAR(100) NOT NULL,
  content         MEDIUMTEXT   NOT NULL COMMENT 'up to 20000 characters',
  weather         VARCHAR(40)  NULL,
  published_date  DATE         NOT NULL,
  mood            ENUM('걱정','분노','행복','설렘','슬픔') NULL COMMENT 'picked by the user',
  tags            JSON         NOT NULL DEFAULT ('[]'),
  version         INT UNSIGNED NOT NULL DEFAULT 1 COMMENT 'bumped when title/content change',
  analysis_status ENUM('pending','done','failed') NOT NULL DEFAULT 'pending',
  search_tokens   MEDIUMTEXT   NOT NULL DEFAULT '' COMMENT 'tokens made by the search module',
  created_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  deleted_at      DATETIME(3)  NULL,
  is_deleted      TINYINT(1)   NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ix_diaries_user_date (user_id, is_deleted, published_date, id),
  KEY ix_diaries_user_created (user_id, is_deleted, created_at, id),
  FULLTEXT KEY ft_diaries_search (search_tokens),
  CONSTRAINT fk_diaries_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT ck_diaries_tags CHECK (JSON_VALID(tags))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE diary_emotions (
  diary_id         BIGINT UNSIGNED NOT NULL,
  diary_version    INT UNSIGNED  NOT NULL,
  worry_score      DECIMAL(5,2)  NOT NULL,
  angry_score      DECIMAL(5,2)  NOT NULL,
  happy_score      DECIMAL(5,2)  NOT NULL,
  excited_score    DECIMAL(5,2)  NOT NULL,
  sad_score        DECIMAL(5,2)  NOT NULL,
  top_emotion      ENUM('걱정','분노','행복','설렘','슬픔') NOT NULL,
  analyzer_version VARCHAR(32)   NOT NULL,
  analyzed_at      DATETIME(3)   NOT NULL,
  created_at       DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at       DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (diary_id),
  KEY ix_diary_emotions_top (top_emotion),
  CONSTRAINT fk_diary_emotions_diary FOREIGN KEY (diary_id) REFERENCES diaries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE foods (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name             VARCHAR(60)  NOT NULL,
  image_url        VARCHAR(512) NOT NULL DEFAULT '',
  tags             JSON         NOT NULL DEFAULT ('[]'),
  allergens        JSON         NOT NULL DEFAULT ('[]'),
  vegetarian       TINYINT(1)   NOT NULL DEFAULT 0,
  spice_level      TINYINT UNSIGNED NOT NULL DEFAULT 0 COMMENT '0..3',
  affinity_worry   DECIMAL(4,3) NOT NULL DEFAULT 0,
  affinity_angry   DECIMAL(4,3) NOT NULL DEFAULT 0,
  affinity_happy   DECIMAL(4,3) NOT NULL DEFAULT 0,
  affinity_excited DECIMAL(4,3) NOT NULL DEFAULT 0,
  affinity_sad     DECIMAL(4,3) NOT NULL DEFAULT 0,
  created_at       DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at       DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_foods_name (name),
  CONSTRAINT ck_foods_tags CHECK (JSON_VALID(tags)),
  CONSTRAINT ck_foods_allergens CHECK (JSON_VALID(allergens))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE recommended_foods (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  diary_id       BIGINT UNSIGNED NOT NULL,
  diary_version  INT UNSIGNED  NOT NULL,
  user_id        BIGINT UNSIGNED NOT NULL,
  food_id        BIGINT UNSIGNED NOT NULL,
  rank_no        TINYINT UNSIGNED NOT NULL COMMENT '1 = top recommendation',
  reason         VARCHAR(200)  NOT NULL,
  recommended_on DATE          NOT NULL COMMENT 'day in APP_TZ',
  created_at     DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at     DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_recommended_foods_slot (diary_id, diary_version, rank_no),
  KEY ix_recommended_foods_user_day (user_id, recommended_on),
  CONSTRAINT fk_recommended_foods_diary FOREIGN KEY (diary_id) REFERENCES diaries (id),
  CONSTRAINT fk_recommended_foods_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT fk_recommended_foods_food FOREIGN KEY (food_id) REFERENCES foods (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE food_feedback (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id           BIGINT UNSIGNED NOT NULL,
  recommendation_id BIGINT UNSIGNED NOT NULL,
  food_id           BIGINT UNSIGNED NOT NULL,
  ate               TINYINT(1)  NOT NULL,
  liked             TINYINT(1)  NOT NULL,
  created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_food_feedback_once (user_id, recommendation_id),
  KEY ix_food_feedback_user_food (user_id, food_id),
  CONSTRAINT fk_food_feedback_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT fk_food_feedback_rec FOREIGN KEY (recommendation_id) REFERENCES recommended_foods (id),
  CONSTRAINT fk_food_feedback_food FOREIGN KEY (food_id) REFERENCES foods (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_food_preferences (
  user_id           BIGINT UNSIGNED NOT NULL,
  allergies         JSON        NOT NULL DEFAULT ('[]'),
  disliked_food_ids JSON        NOT NULL DEFAULT ('[]'),
  disliked_tags     JSON        NOT NULL DEFAULT ('[]'),
  spice_tolerance   TINYINT UNSIGNED NOT NULL DEFAULT 2 COMMENT '0..3',
  vegetarian        TINYINT(1)  NOT NULL DEFAULT 0,
  created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id),
  CONSTRAINT fk_user_food_preferences_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE boards (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id       BIGINT UNSIGNED NOT NULL,
  category      ENUM('RECIPE','RESTAURANT') NOT NULL,
  title         VARCHAR(150) NOT NULL,
  content       MEDIUMTEXT   NOT NULL COMMENT 'up to 20000 characters',
  views         BIGINT UNSIGNED NOT NULL DEFAULT 0,
  comment_count INT UNSIGNED NOT NULL DEFAULT 0,
  search_tokens MEDIUMTEXT   NOT NULL DEFAULT '' COMMENT 'tokens made by the search module',
  created_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  deleted_at    DATETIME(3)  NULL,
  is_deleted    TINYINT(1)   NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ix_boards_latest (is_deleted, created_at, id),
  KEY ix_boards_category (category, is_deleted, created_at, id),
  KEY ix_boards_user (user_id, is_deleted, created_at, id),
  FULLTEXT KEY ft_boards_search (search_tokens),
  CONSTRAINT fk_boards_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE comments (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  board_id   BIGINT UNSIGNED NOT NULL,
  user_id    BIGINT UNSIGNED NOT NULL,
  content    VARCHAR(500) NOT NULL,
  created_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  deleted_at DATETIME(3)  NULL,
  is_deleted TINYINT(1)   NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  KEY ix_comments_board (board_id, is_deleted, id),
  KEY ix_comments_user (user_id),
  CONSTRAINT fk_comments_board FOREIGN KEY (board_id) REFERENCES boards (id),
  CONSTRAINT fk_comments_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  diary_id        BIGINT UNSIGNED NOT NULL,
  user_id         BIGINT UNSIGNED NOT NULL,
  diary_version   INT UNSIGNED NOT NULL,
  status          ENUM('pending','sent') NOT NULL DEFAULT 'pending',
  attempts        INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_error      VARCHAR(255) NULL,
  sent_at         DATETIME(3)  NULL,
  created_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_outbox_message (diary_id, diary_version),
  KEY ix_outbox_due (status, next_attempt_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
