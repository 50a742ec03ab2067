#!/usr/bin/env bash
# The main job: from a fresh clone, install, build or reuse the toolchain, start the local sandbox (unless
# KUBECONFIG points at your own cluster), log in to a local file backend and run `pulumi up` on a stack (default
# dev). It ends with a summary of what runs on which node.
#
# Usage: npm run up [-- <stack>]          e.g. npm run up -- dev
# Environment:
#   KUBECONFIG                  use this cluster instead of the sandbox
#   PULUMI_CONFIG_PASSPHRASE    passphrase of the stack's secrets (default for the sandbox: oskube-dev-sandbox)
#   OSKUBE_STATE_DIR            file backend directory (default ~/.cache/oskube/state)
set -euo pipefail
cd "$(dirname "$0")/.."
STACK="${1:-dev}"
start=$(date +%s)
phase() { printf '\n== %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

phase "dependencies"
if [[ ! -d node_modules/@pulumi/pulumi ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi

phase "toolchain"
scripts/toolchain.sh
BIN_DIR="$(scripts/toolchain.sh --print-bin-dir)"
export PATH="${BIN_DIR}:${PATH}"

if [[ -n "${KUBECONFIG:-}" ]]; then
  phase "using your cluster from KUBECONFIG=${KUBECONFIG}"
else
  phase "sandbox"
  scripts/sandbox.sh up
  eval "$(scripts/sandbox.sh env)"
fi

phase "pulumi up (stack ${STACK})"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-oskube-dev-sandbox}"
STATE_DIR="${OSKUBE_STATE_DIR:-${HOME}/.cache/oskube/state}"
mkdir -p "${STATE_DIR}"
export PULUMI_BACKEND_URL="file://${STATE_DIR}"
pulumi stack select --create "${STACK}" --non-interactive >/dev/null
pulumi up --yes --non-interactive --skip-preview --stack "${STACK}"

phase "what runs where"
kubectl get pods -A -l app.kubernetes.io/managed-by=oskube \
  -o custom-columns='NODE:.spec.nodeName,NAMESPACE:.metadata.namespace,POD:.metadata.name,STATUS:.status.phase' --sort-by=.spec.nodeName
echo
kubectl get nodes -L openstack-control-plane,openstack-network-node,openstack-compute-node,openstack-storage-node,openvswitch
phase "done"
