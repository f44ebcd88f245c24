# syntax=docker/dockerfile:1
# The nexus image:
#   docker build -t nexus .
#   docker run --rm -v "$PWD:/app" -w /app nexus app.js
# The builder is a fresh Debian 12 running the scripts a developer runs: scripts/build (through
# scripts/setup: the toolchain, WebKit's build dependencies and the tarball pinned in
# vendor/javascriptcore-sys/webkit.toml, then the engine and nexus), packaging/deb/build (the
# .deb) and packaging/oci/rootfs (the root filesystem). The final stage is that tree and nothing
# else: the same root filesystem packaging/oci/build makes into an OCI image without Docker.
# The first build compiles the engine (about 45 minutes on 2 cores); the cache mounts keep it, the
# tarball and the crates for later builds.

FROM debian:12 AS builder
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/nexus \
    --mount=type=cache,target=/root/.cargo/registry \
    scripts/build \
    && deb=$(packaging/deb/build) \
    && packaging/oci/rootfs "$deb" /rootfs

FROM scratch
COPY --from=builder /rootfs/ /
# COPY --from may give everything to root; the user's home and /app are the user's.
COPY --from=builder --chown=65532:65532 /rootfs/home/nexus /home/nexus
COPY --from=builder --chown=65532:65532 /rootfs/app /app
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/nexus
USER 65532:65532
WORKDIR /app
ENTRYPOINT ["nexus"]
