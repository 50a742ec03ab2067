/** The resolved spec: every default filled in. Render functions and components only ever see this shape. */
import { ResolvedImages } from "../images";
import { CloudSpec, NodeRole } from "./types";
import type { ResolvedNetworking } from "./networking";
import type { ResolvedCompute } from "./compute";

export interface ResolvedNode {
    name: string;
    pool: string;
    roles: NodeRole[];
    bridgeInterfaces: Record<string, string>;
    tunnelIp?: string;
    tunnelInterface?: string;
    osdDevices: string[];
}

export interface ResolvedNodePool {
    name: string;
    roles: NodeRole[];
    taint: boolean;
    labels: Record<string, string>;
    nodes: ResolvedNode[];
}

export interface ResolvedResources {
    cpu: string;
    memory: string;
}

export interface ResolvedPersistence {
    enabled: boolean;
    storageClassName?: string;
    size: string;
}

export interface ResolvedStatefulInfra {
    replicas: number;
    persistence: ResolvedPersistence;
    resources: ResolvedResources;
}

export interface ResolvedApiService {
    replicas: number;
    resources: ResolvedResources;
    configOverrides: Record<string, Record<string, string>>;
}

export interface ResolvedKeystone extends ResolvedApiService {
    region: string;
    publicUrl?: string;
    adminUser: string;
    adminProject: string;
    tokenExpiration: number;
}

export interface ResolvedNamespaces {
    controlPlane: string;
    dataPlane: string;
    controlPlaneSecurity: string;
    create: boolean;
}

export interface ResolvedCloud {
    release: string;
    devMode: boolean;
    images: ResolvedImages;
    namespaces: ResolvedNamespaces;
    cluster: { domain: string; podCidr?: string; serviceCidr?: string };
    nodePools: ResolvedNodePool[];
    /** Every node once, in pool order. */
    nodes: ResolvedNode[];
    infrastructure: {
        mariadb: ResolvedStatefulInfra;
        rabbitmq: ResolvedStatefulInfra;
        memcached: { replicas: number; memoryMiB: number };
    };
    keystone: ResolvedKeystone;
    networking: ResolvedNetworking;
    compute: ResolvedCompute;
    /** The spec as the user wrote it. */
    raw: CloudSpec;
}

export function nodesWithRole(cloud: Pick<ResolvedCloud, "nodes">, role: NodeRole): ResolvedNode[] {
    return cloud.nodes.filter((n) => n.roles.includes(role));
}
