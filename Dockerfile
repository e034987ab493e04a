# syntax=docker/dockerfile:1
# One image per mirrorlab service, all from this file:
#   docker build --target producer -t mirrorlab/producer .
# deploy/README.md builds and pushes all five (a loop, or docker buildx bake).
# Each runtime image holds Node.js and the service's self-contained bundle (esbuild output
# of `nx run <service>:build`) and nothing else of ours: no node_modules, no sources.

ARG NODE_IMAGE=node:24-slim

# ---- build: install the workspace once, then bundle each service in its own stage -------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false CI=true
# @confluentinc/kafka-javascript (librdkafka) builds from source: its prebuilt download is not
# reachable everywhere. Dynamic linking against Debian's OpenSSL and zlib (CKJS_LINKING=dynamic)
# keeps its configure from downloading them; node-gyp uses this image's own Node headers.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 make g++ pkg-config libssl-dev zlib1g-dev >/dev/null && rm -rf /var/lib/apt/lists/*
ENV CKJS_LINKING=dynamic npm_config_nodedir=/usr/local
COPY . .
# The npm cache mount keeps downloaded tarballs between builds. `npm install --no-save` (not
# `npm ci`, which refuses a lock without every optional platform build) installs the locked tree.
RUN --mount=type=cache,target=/root/.npm npm install --no-save --no-audit --no-fund
# The producer's batch producer addon (libs/rdkafka-batch), on the librdkafka built above.
RUN npm run build:native -w @mirrorlab/rdkafka-batch

FROM build AS build-producer
RUN npx nx run producer:build

FROM build AS build-consumer-validator
RUN npx nx run consumer-validator:build

FROM build AS build-fault-runner
RUN npx nx run fault-runner:build

FROM build AS build-provisioner
RUN npx nx run provisioner:build

FROM build AS build-report-aggregator
RUN npx nx run report-aggregator:build

FROM build AS build-consumer-groups
RUN npx nx run consumer-groups:build

# The librdkafka binding, the batch producer addon and what they load at run time (the bundles keep them external).
FROM build AS kafka-native
RUN mkdir -p /native/node_modules/@confluentinc/kafka-javascript/build/Release /native/node_modules/@confluentinc/kafka-javascript/build/deps \
 && cd /src/node_modules/@confluentinc/kafka-javascript \
 && cp -r package.json librdkafka.js lib /native/node_modules/@confluentinc/kafka-javascript/ \
 && cp build/Release/confluent-kafka-javascript.node /native/node_modules/@confluentinc/kafka-javascript/build/Release/ \
 && cp -P build/deps/librdkafka*.so* /native/node_modules/@confluentinc/kafka-javascript/build/deps/ \
 && cp -r /src/node_modules/bindings /src/node_modules/file-uri-to-path /native/node_modules/ \
 && mkdir -p /native/node_modules/@mirrorlab/rdkafka-batch/native/build/Release \
 && cd /src/libs/rdkafka-batch \
 && cp package.json addon.js /native/node_modules/@mirrorlab/rdkafka-batch/ \
 && cp native/build/Release/rdkafka_batch.node /native/node_modules/@mirrorlab/rdkafka-batch/native/build/Release/

# ---- runtime: what every service image shares --------------------------------------------
FROM ${NODE_IMAGE} AS runtime-base
ENV NODE_ENV=production
WORKDIR /app
# libssl and zlib for librdkafka (dynamically linked); the slim image may lack them.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libssl3 zlib1g ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*
USER 1000:1000
ENTRYPOINT ["node", "--enable-source-maps", "/app/main.js"]

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# The base image's "node" user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
ENTRYPOINT ["node", "--enable-source-maps", "/app/main.js"]

# ---- one target per service ---------------------------------------------------------------
# main.js.LEGAL.txt holds the licence notices esbuild lifted out of the bundled packages; it
# ships with the bundle because redistributing them requires it.
FROM runtime-base AS producer
COPY --from=kafka-native /native/node_modules /app/node_modules
ARG VERSION=0.0.0-dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="mirrorlab-producer" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build-producer /src/services/producer/dist/main.js /src/services/producer/dist/main.js.map /src/services/producer/dist/main.js.LEGAL.txt /app/
EXPOSE 8081

FROM runtime AS consumer-validator
ARG VERSION=0.0.0-dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="mirrorlab-consumer-validator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build-consumer-validator /src/services/consumer-validator/dist/main.js /src/services/consumer-validator/dist/main.js.map /src/services/consumer-validator/dist/main.js.LEGAL.txt /app/
EXPOSE 8082

FROM runtime AS fault-runner
ARG VERSION=0.0.0-dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="mirrorlab-fault-runner" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build-fault-runner /src/services/fault-runner/dist/main.js /src/services/fault-runner/dist/main.js.map /src/services/fault-runner/dist/main.js.LEGAL.txt /app/
EXPOSE 8083

FROM runtime AS provisioner
ARG VERSION=0.0.0-dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="mirrorlab-provisioner" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build-provisioner /src/services/provisioner/dist/main.js /src/services/provisioner/dist/main.js.map /src/services/provisioner/dist/main.js.LEGAL.txt /app/
EXPOSE 8084

FROM runtime AS report-aggregator
ARG VERSION=0.0.0-dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="mirrorlab-report-aggregator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build-report-aggregator /src/services/report-aggregator/dist/main.js /src/services/report-aggregator/dist/main.js.map /src/services/report-aggregator/dist/main.js.LEGAL.txt /app/
EXPOSE 8085

FROM runtime AS consumer-groups
ARG VERSION=0.0.0-dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="mirrorlab-consumer-groups" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build-consumer-groups /src/services/consumer-groups/dist/main.js /src/services/consumer-groups/dist/main.js.map /src/services/consumer-groups/dist/main.js.LEGAL.txt /app/
EXPOSE 8086
