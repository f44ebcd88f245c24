# The nexus image:
#   docker build -t nexus .
#   docker run --rm -v "$PWD:/app" nexus app.js
# Built with BuildKit (Docker's default builder since 23.0; DOCKER_BUILDKIT=1 before), whose cache
# mounts keep the engine, the WebKit tarball, the crates and cargo's target dir for the next build.
# The builder is a fresh Debian 12 running what a developer runs: scripts/setup (the toolchain,
# WebKit's build dependencies and the tarball pinned in vendor/javascriptcore-sys/webkit.toml),
# packaging/deb/build (the engine, nexus and the .deb) and packaging/oci/rootfs (the root
# filesystem). The final stage is that tree and nothing else: the same root filesystem
# packaging/oci/build makes into an OCI image without Docker.
# The first build compiles the engine from the pinned source: about 45 minutes on 2 cores.

FROM debian:12 AS builder
WORKDIR /src
# The toolchain from the scripts alone, so that a change to the sources does not reinstall it.
COPY scripts/ scripts/
COPY vendor/javascriptcore-sys/webkit.toml vendor/javascriptcore-sys/
RUN --mount=type=cache,target=/root/.cache/nexus scripts/setup
COPY . .
RUN --mount=type=cache,target=/root/.cache/nexus \
    --mount=type=cache,target=/root/.cargo/registry \
    --mount=type=cache,target=/src/target \
    deb=$(packaging/deb/build) \
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
