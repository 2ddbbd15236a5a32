#!/usr/bin/env bash
# Install Debian's docker-compose (1.29, Python) when missing: tests/test_deploy_compose.py runs
# `docker-compose config` on docker-compose.yml to validate it without a Docker engine. Needs root;
# otherwise says how and exits 0 so the rest of the suite still runs (that check is then skipped).
set -euo pipefail
if command -v docker-compose >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_docker_compose: docker-compose is missing; install it with: sudo apt-get install -y docker-compose" >&2
    exit 0
fi
echo "ensure_docker_compose: installing docker-compose from the Debian packages" >&2
export DEBIAN_FRONTEND=noninteractive
if apt-get install -y -qq --no-install-recommends docker-compose >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; }; then
    docker-compose version --short >&2
else
    echo "ensure_docker_compose: could not install docker-compose; the compose check will be skipped" >&2
fi
