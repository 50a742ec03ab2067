/**
 * Networking part of the spec: Neutron, its ML2 backend, agents, OVS, Octavia and the OpenStack-side layout.
 * Owned by the networking work (issue 3); the foundation only needs the backend name.
 */
import { IssueList } from "../errors";
import type { ResolvedCloud } from "./resolved";
import { CloudSpec } from "./types";

export interface ResolvedNetworking {
    backend: string;
}

export function resolveNetworking(spec: CloudSpec): ResolvedNetworking {
    return { backend: spec.services?.neutron?.backend ?? "openvswitch" };
}

export function checkNetworking(_spec: CloudSpec, _cloud: ResolvedCloud, _issues: IssueList): void {
    // Filled in by the networking validation rules.
}
