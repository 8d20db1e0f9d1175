#!/usr/bin/env bash
# Idempotent development setup: virtual environment, Python and Node dependencies, the built
# JupyterLab extension, and Debian's Chromium for the browser tests. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

if [[ -z "${VIRTUAL_ENV:-}" ]]; then
  if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv"
    python3 -m venv .venv
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
log "using Python at $(command -v python) ($(python --version 2>&1))"

# The build tools go in first: the editable install then builds without an isolated environment,
# with the same jlpm and jupyter-builder as the rest of this script.
stamp="$VIRTUAL_ENV/.jupyter_mlversion-setup"
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  log "installing build tools"
  python -m pip install --quiet --upgrade pip
  python -m pip install --quiet "hatchling>=1.21" editables "hatch-jupyter-builder>=0.9" "jupyter-builder>=1.3"
fi

log "installing Node dependencies (jlpm, npm registry only)"
jlpm install --mode=skip-build >/dev/null 2>&1 || jlpm install
if grep -Eq 'resolution: "[^"]*@(git\+|git:|github:|https?:)' yarn.lock ui-tests/yarn.lock; then
  echo "yarn.lock resolves a package from git or a URL; only npm registry packages are allowed" >&2
  exit 1
fi

log "building the JupyterLab extension"
jlpm build:prod

if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  log "installing jupyter_mlversion in editable mode with its test extras"
  python -m pip install --quiet --no-build-isolation -e ".[test]"
  touch "$stamp"
fi

# Link the build into the environment so `jlpm build` is live in `jupyter lab` (the editable
# install copied a snapshot of it).
jupyter-builder develop --overwrite . >/dev/null

log "installing configurable-http-proxy for the JupyterHub tests (tests/hub/proxy, npm registry)"
(cd tests/hub/proxy && { npm ci --no-audit --no-fund >/dev/null 2>&1 || npm install --no-audit --no-fund; })

log "installing the browser-test dependencies"
(cd ui-tests && { jlpm install --mode=skip-build >/dev/null 2>&1 || jlpm install; })

if [[ ! -x /usr/bin/chromium ]]; then
  log "installing Debian's chromium for the browser tests"
  sudo_cmd=()
  [[ "$(id -u)" -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y chromium
fi

log "setup done"
