#!/usr/bin/env bash
# JupyterLab's own check that the installed extension loads in a real browser without errors
# (`python -m jupyterlab.browser_check`), run against Debian's Chromium.
#
# The check installs Playwright and asks it to download a browser, which this machine cannot do.
# Playwright skips the download for a browser whose folder holds an INSTALLATION_COMPLETE marker,
# so a private browsers folder is laid out with Debian's /usr/bin/chromium in the places
# Playwright looks; the check itself then runs unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${VIRTUAL_ENV:-}" ]]; then
  # shellcheck disable=SC1091
  source .venv/bin/activate
fi
chromium=/usr/bin/chromium
[[ -x "$chromium" ]] || { echo "browser_check: $chromium is missing; run scripts/setup.sh" >&2; exit 1; }

app_dir="$(python -c 'from jupyterlab.commands import get_app_dir; print(get_app_dir())')"
work="$app_dir/browser_test"
if [[ ! -d "$work/node_modules/playwright" ]]; then
  mkdir -p "$work"
  (cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund "playwright@^1.9.2" >/dev/null)
fi

export PLAYWRIGHT_BROWSERS_PATH="$app_dir/browser_test/browsers"
locations="$(cd "$work" && npx playwright install --dry-run chromium | awk '/Install location:/ {print $3}')"
[[ -n "$locations" ]] || { echo "browser_check: Playwright named no install location" >&2; exit 1; }
while read -r folder; do
  mkdir -p "$folder"
  case "$(basename "$folder")" in
    chromium-*) exe="$folder/chrome-linux64/chrome" ;;
    chromium_headless_shell-*) exe="$folder/chrome-headless-shell-linux64/chrome-headless-shell" ;;
    *) exe="" ;;  # ffmpeg: only used to record videos, which the check never does
  esac
  if [[ -n "$exe" ]]; then
    mkdir -p "$(dirname "$exe")"
    ln -sf "$chromium" "$exe"
  fi
  touch "$folder/INSTALLATION_COMPLETE"
done <<<"$locations"

exec python -m jupyterlab.browser_check --ServerApp.allow_root=True
