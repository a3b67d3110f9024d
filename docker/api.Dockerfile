# syntax=docker/dockerfile:1
# eeum-api image. Build from the repository root:
#   docker build -f docker/api.Dockerfile -t eeum-api:dev .
# Configuration comes from the environment at run time (docker run --env-file ...); no secrets
# or .env files are copied into the image (see .dockerignore).

# ---- build stage ------------------------------------------------------------------------------
FROM debian:12 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config ca-certificates \
      libmicrohttpd-dev libjansson-dev libmariadb-dev libcurl4-openssl-dev libsodium-dev libcmocka-dev libunistring-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN rm -rf build \
 && cmake --preset release -DEEUM_BUILD_TESTS=OFF \
 && cmake --build --preset release --target eeum-api -j"$(nproc)" \
 && strip --strip-unneeded build/release/eeum-api \
 && ./build/release/eeum-api --version

# ---- Swagger UI assets (npm swagger-ui-dist, pinned in tools/package-lock.json) -------------
# eeum-api serves them from DOCS_ASSETS_DIR at run time.
FROM node:20-slim AS docs-assets
WORKDIR /tools
COPY tools/package.json tools/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
 && test -f node_modules/swagger-ui-dist/swagger-ui-bundle.js

# ---- runtime stage ----------------------------------------------------------------------------
FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libjansson4 libmariadb3 libcurl4 libsodium23 libunistring2 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 eeum \
 && useradd --system --uid 10001 --gid eeum --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin eeum

COPY --from=build /src/build/release/eeum-api /usr/local/bin/eeum-api
COPY --from=build /src/sql /usr/share/eeum/sql
COPY --from=docs-assets /tools/node_modules/swagger-ui-dist /usr/share/eeum/swagger-ui-dist

ENV APP_ENV=production \
    BIND_ADDRESS=0.0.0.0 \
    PORT=8080 \
    LOG_FORMAT=json \
    MIGRATIONS_DIR=/usr/share/eeum/sql \
    DOCS_ASSETS_DIR=/usr/share/eeum/swagger-ui-dist
# No .env is read from here: the working directory holds nothing but read-only files.
WORKDIR /usr/share/eeum
USER eeum:eeum
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT:-8080}/healthz" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/eeum-api"]
# `docker run IMAGE migrate` applies the migrations and exits.
