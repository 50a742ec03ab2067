#!/usr/bin/env bash
# The README's test command: every tier, in order. Any failing tier fails the run; a tier that cannot run
# (missing toolchain, sandbox that does not start) fails with the reason, it is never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
tier() { printf '\n== %s (t+%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

tier "typecheck"
npx tsc -p tsconfig.json --noEmit

tier "unit + component tiers (jest)"
npx jest --ci

tier "integration tier: real engine and providers against the sandbox"
npx jest --ci -c test/integration/jest.config.js

tier "openstack tier: real Keystone, Neutron, MariaDB and RabbitMQ on 127.0.0.1"
bash scripts/openstack/run-tier.sh

tier "all tiers passed"
