import { NodeRole } from "./spec/types";

/**
 * Role label keys. They follow the names every peer project converged on (openstack-helm, Genestack, Yaook), so nodes
 * already labelled for them keep working. The same key is used as a label and as a `NoSchedule` taint (Yaook's
 * convention), so nothing lands on an OpenStack node by accident.
 */
export const ROLE_LABELS: Record<NodeRole, string> = {
    "control-plane": "openstack-control-plane",
    network: "openstack-network-node",
    compute: "openstack-compute-node",
    storage: "openstack-storage-node",
};

/** Extra capability labels derived from roles. */
export const OPENVSWITCH_LABEL = "openvswitch";
export const L3_AGENT_LABEL = "l3-agent";
export const CEPH_OSD_LABEL = "ceph-osd";
export const ENABLED = "enabled";

/** Node annotations that carry per-node NIC data to the data plane (Genestack keeps it on the node, too). */
export const ANNOTATIONS = {
    bridgeInterfaces: "oskube.io/bridge-interfaces",
    tunnelIp: "oskube.io/tunnel-ip",
    tunnelInterface: "oskube.io/tunnel-interface",
    configHash: "oskube.io/config-hash",
};

export const PART_OF = "openstack";
export const MANAGED_BY = "oskube";

/** The recommended `app.kubernetes.io/*` labels. */
export function appLabels(name: string, component: string, instance: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/instance": instance,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    };
}

/** The subset of `appLabels` that is stable for the life of a workload and so can be its selector. */
export function selectorLabels(name: string, component: string, instance: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/instance": instance,
    };
}
