#!/usr/bin/env bash
# The openstack tier, as the README's test command runs it: start the real services (installing what is missing),
# make sure an OpenStack provider exists, run the tests in the tier's venv, and stop every service again (also on
# failure). Extra arguments go to pytest. Needs `npm ci` and the toolchain's pulumi CLI (scripts/toolchain.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
# Quietly, so that pytest's summary stays the run's closing line.
trap 'bash scripts/openstack-env.sh down >/dev/null 2>&1' EXIT
bash scripts/openstack-env.sh up
# The toolchain's pulumi-resource-openstack when it has one; otherwise the tier's stand-in (build-provider.sh says why).
if [[ ! -x "$(bash scripts/toolchain.sh --print-bin-dir)/pulumi-resource-openstack" ]]; then
  bash scripts/openstack/build-provider.sh >/dev/null
fi
echo "openstack tier: services and provider ready in $(( $(date +%s) - t0 ))s"
venv="$(bash scripts/openstack-env.sh venv)"
"${venv}/bin/python" -m pytest -c test/openstack/pytest.ini test/openstack "$@"
