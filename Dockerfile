# The simfuzz image that deploy/ names: the command, statically linked, and nothing else.
# No base image is pulled: `make image` builds bin/simfuzz-static on the host
# (CGO_ENABLED=0) and copies it in. The image has no shell, so deploy/ and
# docker-compose.yml call simfuzz directly: --summary writes each summary atomically,
# --found-exit 0 leaves the verdict to merge, and merge and report expand their own
# shard-*.json patterns.
FROM scratch
COPY bin/simfuzz-static /bin/simfuzz
ENV PATH=/bin
WORKDIR /work
ENTRYPOINT ["/bin/simfuzz"]
