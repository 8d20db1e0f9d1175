#!/usr/bin/env bash
# Set up, then run every check CI runs: linters, type checks, unit tests, the installed-extension
# checks and the browser tests. Every check runs even after a failure; the exit code is non-zero
# if any failed, and a table of timings closes the output.
set -uo pipefail
cd "$(dirname "$0")/.."

declare -a names=() seconds=() results=()
failed=0

phase() {
  local name="$1"
  shift
  printf '\n==> %s\n' "$name"
  local start=$SECONDS
  "$@"
  local rc=$?
  names+=("$name")
  seconds+=("$((SECONDS - start))")
  if [[ $rc -eq 0 ]]; then
    results+=("ok")
  else
    results+=("FAILED ($rc)")
    failed=1
  fi
}

summary() {
  printf '\n%-28s %8s  %s\n' "phase" "seconds" "result"
  for i in "${!names[@]}"; do
    printf '%-28s %8s  %s\n' "${names[$i]}" "${seconds[$i]}" "${results[$i]}"
  done
  printf '%-28s %8s\n' "total" "$SECONDS"
  local ok=0 bad=0
  for result in "${results[@]}"; do
    if [[ "$result" == "ok" ]]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
  done
  printf '\nchecks: %d passed, %d failed\n' "$ok" "$bad"
}

phase "setup" bash scripts/setup.sh
if [[ "${results[0]}" != "ok" ]]; then
  summary
  exit 1
fi
if [[ -z "${VIRTUAL_ENV:-}" ]]; then
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi

labextension_enabled() {
  local listing
  listing="$(jupyter labextension list 2>&1)"
  echo "$listing"
  grep -Eq 'jupyter-mlversion v[^ ]+ .*enabled.*OK' <<<"$listing"
}

galata() {
  (cd ui-tests && jlpm playwright test)
}

galata_hub() {
  (cd ui-tests && jlpm playwright test -c playwright.hub.config.js)
}

phase "ruff check" ruff check .
phase "ruff format" ruff format --check .
phase "mypy" mypy jupyter_mlversion demo
phase "eslint" jlpm eslint
phase "prettier" jlpm prettier:check
phase "pytest" python -m pytest -q -p no:cacheprovider
phase "jest" jlpm test --ci
phase "labextension list" labextension_enabled
phase "browser_check" bash scripts/browser_check.sh
phase "galata" galata
phase "galata (hub)" galata_hub

summary
exit $failed
