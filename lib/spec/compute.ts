/**
 * Compute, image and storage part of the spec: Nova, Placement, Glance, Cinder, compute pools, KubeVirt VMs and Ceph.
 * Owned by the compute work (issue 4).
 */
import { IssueList } from "../errors";
import type { ResolvedCloud } from "./resolved";
import { CloudSpec } from "./types";

export interface ResolvedCompute {
    storageEnabled: boolean;
}

export function resolveCompute(spec: CloudSpec): ResolvedCompute {
    return { storageEnabled: spec.storage?.enabled ?? false };
}

export function checkCompute(_spec: CloudSpec, _cloud: ResolvedCloud, _issues: IssueList): void {
    // Filled in by the compute validation rules.
}
