#!/usr/bin/env bash
# Create .env for docker-compose.yml from .env.example, filling every empty secret with a random
# value (the Fernet key in its urlsafe-base64 32-byte form). Never overwrites an existing .env.
#   bash scripts/make_env.sh [target]     (default: .env beside docker-compose.yml)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${1:-$ROOT/.env}
if [ -e "$TARGET" ]; then
    echo "make_env: $TARGET exists; remove it first to generate new secrets" >&2
    exit 1
fi
umask 077
python3 - "$ROOT/.env.example" "$TARGET" <<'PY'
import base64, os, secrets, sys
source, target = sys.argv[1:]
lines = []
for line in open(source, encoding="utf-8").read().splitlines():
    key, sep, value = line.partition("=")
    if sep and not line.startswith("#") and value == "":
        value = (base64.urlsafe_b64encode(os.urandom(32)).decode() if key == "AIRFLOW_FERNET_KEY"
                 else secrets.token_urlsafe(64))
        line = f"{key}={value}"
    lines.append(line)
open(target, "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
echo "make_env: wrote $TARGET (admin password: grep AIRFLOW_ADMIN_PASSWORD $TARGET)" >&2
