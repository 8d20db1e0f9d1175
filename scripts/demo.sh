#!/usr/bin/env bash
# Set up, generate the churn demo project (demo-project/, git-ignored) and open it in JupyterLab.
# Pass extra arguments for `jupyter lab`, e.g. `bash scripts/demo.sh --port 8899`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
if [[ -z "${VIRTUAL_ENV:-}" ]]; then
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi

if [[ ! -d demo-project ]]; then
  python demo/make_demo.py demo-project
fi
cd demo-project
if command -v mlversion >/dev/null 2>&1 && [[ ! -d .mlversion ]]; then
  # The command line may not be complete yet: a failed init must not keep the demo from opening.
  mlversion init || echo "note: 'mlversion init' failed; the demo opens without a project" >&2
fi
exec jupyter lab "$@"
