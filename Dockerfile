# Fractional Advisor: one static Go binary on a distroless base.
#
#   docker build -t fractional-advisor .
#   docker run --rm -e SLACK_APP_TOKEN -e SLACK_BOT_TOKEN -p 8080:8080 fractional-advisor
#
# The go build flags below are also what cmd/fractional-advisor/binary_test.go
# parses and builds with, to prove the result is static: keep them on one RUN.
#
# Pinning: a tag can be moved; a digest cannot. To pin a base image, resolve
# its digest where a registry is reachable, e.g.
#   docker buildx imagetools inspect gcr.io/distroless/static-debian12:nonroot
# and write it after the tag (FROM image:tag@sha256:...). Dependabot
# (.github/dependabot.yml) then bumps tag and digest together.

# The builder runs on the build machine's platform and cross-compiles, so a
# multi-platform build (docker buildx build --platform linux/amd64,linux/arm64)
# needs no emulation. Keep its Go minor version equal to go.mod's (tested).
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
WORKDIR /src

# Modules first: this layer is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .
ARG TARGETOS
ARG TARGETARCH
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -ldflags='-s -w' -o /out/fractional-advisor ./cmd/fractional-advisor

# distroless/static: CA certificates, tzdata and /etc/passwd with the nonroot
# user (65532), and no shell or package manager. The binary needs no libc.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="fractional-advisor" \
      org.opencontainers.image.description="Slack bot: fractional CAIO or fractional CTO?"
COPY --from=build /out/fractional-advisor /fractional-advisor
USER 65532:65532
# /healthz, /readyz and /metrics (ADVISOR_HTTP_ADDR); 3000 is Slack's way in
# with SLACK_MODE=http (ADVISOR_SLACK_ADDR). Socket Mode needs no inbound
# port: it connects out.
EXPOSE 8080 3000
ENTRYPOINT ["/fractional-advisor"]
CMD ["serve"]
