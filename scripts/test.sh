#!/usr/bin/env bash
# The README's test command. Runs every tier in order; any failing tier fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck"
npx tsc -p tsconfig.json --noEmit

echo "== unit + component tiers (jest)"
npx jest --ci
