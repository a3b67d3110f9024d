# syntax=docker/dockerfile:1
# eeum-analyzer image (long-polls the diary queue, scores emotions, stores recommendations).
# Build from the repository root:
#   docker build -f docker/analyzer.Dockerfile -t eeum-analyzer:dev .
# Configuration comes from the environment at run time; no secrets are copied into the image.

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
 && cmake --build --preset release --target eeum-analyzer -j"$(nproc)" \
 && strip --strip-unneeded build/release/eeum-analyzer \
 && ./build/release/eeum-analyzer --version

# ---- runtime stage ----------------------------------------------------------------------------
FROM debian:12-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libmicrohttpd12 libjansson4 libmariadb3 libcurl4 libsodium23 libunistring2 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 eeum \
 && useradd --system --uid 10001 --gid eeum --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin eeum

COPY --from=build /src/build/release/eeum-analyzer /usr/local/bin/eeum-analyzer
# The trained emotion model (see NOTICE for the data it was trained on); loaded at start-up, a
# missing or corrupt file stops the analyzer with a message naming it.
COPY --from=build /src/models/emotion.model /usr/share/eeum/models/emotion.model
COPY --from=build /src/NOTICE /usr/share/eeum/NOTICE

ENV APP_ENV=production \
    LOG_FORMAT=json \
    EMOTION_MODEL=/usr/share/eeum/models/emotion.model \
    ANALYZER_HEALTH_PORT=8090
WORKDIR /usr/share/eeum
USER eeum:eeum
# Liveness from the analyzer's small health port (/healthz; /metrics has processed/failed/latency).
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${ANALYZER_HEALTH_PORT:-8090}/healthz" || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/eeum-analyzer"]
CMD ["run"]
