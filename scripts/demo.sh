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
if [[ ! -d .mlversion ]]; then
  mlversion init
  mlversion snapshot data train.ipynb -m "Churn data: 5,000 customers and 30,000 months of usage"
fi
extra=()
[[ "$(id -u)" -eq 0 ]] && extra+=(--allow-root)  # root in a container or a CI machine
exec jupyter lab "${extra[@]}" "$@"
