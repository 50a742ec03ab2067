#!/usr/bin/env bash
# The openstack tier, as the README's test command runs it: start the real services (installing what is missing),
# run the tests in the tier's venv, stop every service again (also on failure). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/../.."
trap 'bash scripts/openstack-env.sh down' EXIT
bash scripts/openstack-env.sh up
venv="$(bash scripts/openstack-env.sh venv)"
"${venv}/bin/python" -m pytest -c test/openstack/pytest.ini test/openstack "$@"
