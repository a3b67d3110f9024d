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
      libmicrohttpd12 libjansson4 libmariadb3 libcurl4 libsodium23 libunistring2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 eeum \
 && useradd --system --uid 10001 --gid eeum --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin eeum

COPY --from=build /src/build/release/eeum-analyzer /usr/local/bin/eeum-analyzer
# TODO(analyzer): copy the emotion-classifier model / lexicon files here once they exist.

ENV APP_ENV=production \
    LOG_FORMAT=json
WORKDIR /usr/share/eeum
USER eeum:eeum
# Placeholder health check: validates the configuration only. Replace with a liveness probe
# (e.g. a heartbeat file or a small status port) when the analyzer grows one.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/usr/local/bin/eeum-analyzer", "--check-config"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/eeum-analyzer"]
CMD ["run"]
