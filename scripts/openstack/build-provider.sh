#!/usr/bin/env bash
# Builds a stand-in pulumi-resource-openstack for the openstack tier, from scripts/openstack/provider (a tools module
# that bridges terraform-provider-openstack v3 with pulumi-terraform-bridge, under @pulumi/openstack's tokens).
#
# Why: the Go module proxy answers 403 for github.com/pulumi/pulumi-openstack (every path and version) and for
# terraform-provider-openstack below /v3, so the 3.15.2 provider cannot be built here. The tier prefers the
# toolchain's pulumi-resource-openstack when scripts/toolchain.sh provides one.
#
# Usage: build-provider.sh [--print-bin-dir]   (binary cached in ${OSKUBE_OPENSTACK_DIR:-~/.cache/oskube/openstack}/provider/<hash>/)
set -euo pipefail
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/provider" && pwd)"
ROOT="${OSKUBE_OPENSTACK_DIR:-${HOME}/.cache/oskube/openstack}"
command -v go >/dev/null 2>&1 || { echo "build-provider.sh: go is not on PATH" >&2; exit 1; }
key="$( { cat "${SRC}/go.mod" "${SRC}/go.sum" "${SRC}/main.go"; go env GOVERSION; } | sha256sum | cut -c1-16)"
out="${ROOT}/provider/${key}"
if [[ "${1:-}" == "--print-bin-dir" ]]; then echo "${out}"; exit 0; fi
if [[ -x "${out}/pulumi-resource-openstack" ]]; then echo "${out}"; exit 0; fi
mkdir -p "${out}"
echo "build-provider.sh: building pulumi-resource-openstack (log: ${out}.log)" >&2
(cd "${SRC}" && GOTOOLCHAIN=local GOFLAGS=-mod=mod nice -n "${OSKUBE_OPENSTACK_NICE:-10}" \
  go build -trimpath -buildvcs=false -ldflags "-s -w" -o "${out}/pulumi-resource-openstack.tmp" .) >"${out}.log" 2>&1 \
  || { echo "build-provider.sh: go build failed, see ${out}.log" >&2; exit 1; }
mv "${out}/pulumi-resource-openstack.tmp" "${out}/pulumi-resource-openstack"
echo "${out}"
