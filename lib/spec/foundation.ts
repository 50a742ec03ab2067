/** Defaults and validation for the foundation: node pools, release, images, namespaces, infrastructure, Keystone. */
import { IssueList } from "../errors";
import { KNOWN_IMAGE_KEYS, isValidImageReference, resolveImages } from "../images";
import {
    isCidr,
    isDnsLabel,
    isDnsSubdomain,
    isHttpUrl,
    isInterfaceName,
    isIp,
    isLabelKey,
    isLabelValue,
    isPositiveInt,
    isQuantity,
    oneOf,
    shown,
} from "./checks";
import {
    ResolvedApiService,
    ResolvedCloud,
    ResolvedKeystone,
    ResolvedNamespaces,
    ResolvedNode,
    ResolvedNodePool,
    ResolvedPersistence,
    ResolvedResources,
    ResolvedStatefulInfra,
} from "./resolved";
import {
    ApiServiceSpec,
    CloudSpec,
    DEFAULT_RELEASE,
    NODE_ROLES,
    NodeRole,
    PersistenceSpec,
    ResourcesSpec,
    SUPPORTED_RELEASES,
} from "./types";

const POD_SECURITY_LEVELS = ["baseline", "restricted"];

function arr<T>(v: T[] | undefined): T[] {
    return Array.isArray(v) ? v : [];
}

export function resolveResources(spec: ResourcesSpec | undefined, cpu: string, memory: string): ResolvedResources {
    return { cpu: spec?.cpu ?? cpu, memory: spec?.memory ?? memory };
}

export function resolveApiService(spec: ApiServiceSpec | undefined, devMode: boolean): ResolvedApiService {
    return {
        replicas: spec?.replicas ?? (devMode ? 1 : 2),
        resources: resolveResources(spec?.resources, "100m", "256Mi"),
        configOverrides: spec?.configOverrides ?? {},
    };
}

function resolvePersistence(spec: PersistenceSpec | undefined, size: string, devMode: boolean): ResolvedPersistence {
    return { enabled: spec?.enabled ?? !devMode, storageClassName: spec?.storageClassName, size: spec?.size ?? size };
}

export function resolveNodePools(spec: CloudSpec): ResolvedNodePool[] {
    return arr(spec.nodePools).map((pool) => {
        const roles = [...new Set(arr(pool?.roles))].filter((r): r is NodeRole => (NODE_ROLES as string[]).includes(r));
        const defaults = pool?.nodeDefaults ?? {};
        const nodes: ResolvedNode[] = arr(pool?.nodes).map((n) => ({
            name: n?.name,
            pool: pool.name,
            roles,
            bridgeInterfaces: { ...(defaults.bridgeInterfaces ?? {}), ...(n?.bridgeInterfaces ?? {}) },
            tunnelIp: n?.tunnelIp ?? defaults.tunnelIp,
            tunnelInterface: n?.tunnelInterface ?? defaults.tunnelInterface,
            osdDevices: n?.osdDevices ?? defaults.osdDevices ?? [],
        }));
        return { name: pool?.name, roles, taint: pool?.taint ?? true, labels: pool?.labels ?? {}, nodes };
    });
}

export function resolveFoundation(spec: CloudSpec): Omit<ResolvedCloud, "networking" | "compute"> {
    const devMode = spec.devMode ?? false;
    const nodePools = resolveNodePools(spec);
    const infra = spec.infrastructure ?? {};
    const stateful = (s: { replicas?: number; persistence?: PersistenceSpec; resources?: ResourcesSpec } | undefined,
        size: string, memory: string): ResolvedStatefulInfra => ({
        replicas: s?.replicas ?? (devMode ? 1 : 3),
        persistence: resolvePersistence(s?.persistence, size, devMode),
        resources: resolveResources(s?.resources, "250m", memory),
    });
    const ks = spec.services?.keystone;
    const keystone: ResolvedKeystone = {
        ...resolveApiService(ks, devMode),
        region: ks?.region ?? "RegionOne",
        publicUrl: ks?.publicUrl,
        adminUser: ks?.adminUser ?? "admin",
        adminProject: ks?.adminProject ?? "admin",
        tokenExpiration: ks?.tokenExpiration ?? 3600,
    };
    const namespaces: ResolvedNamespaces = {
        controlPlane: spec.namespaces?.controlPlane ?? "openstack",
        dataPlane: spec.namespaces?.dataPlane ?? "openstack-dataplane",
        controlPlaneSecurity: spec.namespaces?.controlPlaneSecurity ?? "baseline",
        create: spec.namespaces?.create ?? true,
    };
    return {
        release: spec.release ?? DEFAULT_RELEASE,
        devMode,
        images: resolveImages(spec.images),
        namespaces,
        cluster: { domain: spec.cluster?.domain ?? "cluster.local", podCidr: spec.cluster?.podCidr, serviceCidr: spec.cluster?.serviceCidr },
        nodePools,
        nodes: nodePools.flatMap((p) => p.nodes),
        infrastructure: {
            mariadb: stateful(infra.mariadb, "10Gi", "1Gi"),
            rabbitmq: stateful(infra.rabbitmq, "5Gi", "512Mi"),
            memcached: {
                replicas: infra.memcached?.replicas ?? (devMode ? 1 : 2),
                memoryMiB: infra.memcached?.memoryMiB ?? 256,
            },
        },
        keystone,
        raw: spec,
    };
}

function checkResources(path: string, r: ResourcesSpec | undefined, issues: IssueList): void {
    if (r?.cpu !== undefined && !isQuantity(r.cpu)) {
        issues.add(`${path}.cpu`, `${shown(r.cpu)} is not a Kubernetes quantity`, `use a quantity such as "250m" or "2"`);
    }
    if (r?.memory !== undefined && !isQuantity(r.memory)) {
        issues.add(`${path}.memory`, `${shown(r.memory)} is not a Kubernetes quantity`, `use a quantity such as "512Mi" or "2Gi"`);
    }
}

export function checkApiService(path: string, s: ApiServiceSpec | undefined, issues: IssueList): void {
    if (s?.replicas !== undefined && !isPositiveInt(s.replicas)) {
        issues.add(`${path}.replicas`, `replicas must be a whole number of at least 1, got ${JSON.stringify(s.replicas)}`, `set replicas to 1 or more`);
    }
    checkResources(`${path}.resources`, s?.resources, issues);
    for (const [section, opts] of Object.entries(s?.configOverrides ?? {})) {
        if (typeof opts !== "object" || opts === null) {
            issues.add(`${path}.configOverrides.${section}`, `a section must map option names to values`, `write { ${section}: { option: "value" } }`);
            continue;
        }
        for (const [k, v] of Object.entries(opts)) {
            if (typeof v !== "string") {
                issues.add(`${path}.configOverrides.${section}.${k}`, `option values must be strings, got ${typeof v}`, `write the value as a string in quotes, e.g. "true" or "2"`);
            } else if (/[\r\n]/.test(v)) {
                issues.add(`${path}.configOverrides.${section}.${k}`, `option values cannot contain line breaks`, `use a comma-separated list for multi-valued options`);
            }
        }
    }
}

function checkStatefulInfra(path: string, what: string, s: ResolvedStatefulInfra, raw: { persistence?: PersistenceSpec; resources?: ResourcesSpec } | undefined,
    devMode: boolean, controlNodes: number, issues: IssueList): void {
    if (!isPositiveInt(s.replicas)) {
        issues.add(`${path}.replicas`, `${what} needs at least one member, got ${JSON.stringify(s.replicas)}`, `set replicas to 1 (dev) or 3`);
    } else {
        if (s.replicas % 2 === 0) {
            issues.add(`${path}.replicas`, `${what} needs an odd member count for quorum, got ${s.replicas}`,
                `use ${s.replicas - 1} or ${s.replicas + 1}: with ${s.replicas} members a split into halves stops the cluster`);
        }
        if (controlNodes > 0 && s.replicas > controlNodes) {
            issues.add(`${path}.replicas`, `${s.replicas} ${what} members need ${s.replicas} control-plane nodes (one member per node), but only ${controlNodes} exist`,
                `add control-plane nodes, or lower replicas to ${controlNodes % 2 === 0 ? controlNodes - 1 : controlNodes}`);
        }
    }
    if (raw?.persistence?.size !== undefined && !isQuantity(raw.persistence.size)) {
        issues.add(`${path}.persistence.size`, `${shown(raw.persistence.size)} is not a Kubernetes quantity`, `use a size such as "10Gi"`);
    }
    if (raw?.persistence?.storageClassName !== undefined && !isDnsSubdomain(raw.persistence.storageClassName)) {
        issues.add(`${path}.persistence.storageClassName`, `${shown(raw.persistence.storageClassName)} is not a valid StorageClass name`, `use the name of an existing StorageClass`);
    }
    if (!s.persistence.enabled && !devMode) {
        issues.add(`${path}.persistence.enabled`, `${what} without persistence loses all data when a pod restarts`,
            `remove persistence.enabled=false, or set devMode: true for a throwaway cloud`);
    }
    checkResources(`${path}.resources`, raw?.resources, issues);
}

export function checkFoundation(spec: CloudSpec, r: ReturnType<typeof resolveFoundation>, issues: IssueList): void {
    if (spec.release !== undefined && !(SUPPORTED_RELEASES as readonly string[]).includes(spec.release)) {
        issues.add("release", `unknown OpenStack release ${shown(spec.release)}`, `use one of ${oneOf(SUPPORTED_RELEASES)}`);
    }
    if (spec.devMode !== undefined && typeof spec.devMode !== "boolean") {
        issues.add("devMode", `devMode must be true or false`, `write devMode: true or leave it out`);
    }

    // Node pools.
    if (!Array.isArray(spec.nodePools) || spec.nodePools.length === 0) {
        issues.add("nodePools", "at least one node pool is needed", `add a pool, e.g. { name: "control", roles: ["control-plane"], nodes: [{ name: "node-1" }] }`);
    }
    const poolNames = new Map<string, number>();
    const nodeOwner = new Map<string, { pool: string; roles: string[] }>();
    arr(spec.nodePools).forEach((pool, i) => {
        const p = `nodePools[${i}]`;
        if (!isDnsLabel(pool?.name)) {
            issues.add(`${p}.name`, `pool name ${JSON.stringify(pool?.name)} is not a lowercase DNS label`, `use lowercase letters, digits and '-', e.g. "compute-a"`);
        } else if (poolNames.has(pool.name)) {
            issues.add(`${p}.name`, `pool name ${shown(pool.name)} is also used by nodePools[${poolNames.get(pool.name)}]`, `give every pool its own name`);
        } else {
            poolNames.set(pool.name, i);
        }
        const roles = arr(pool?.roles);
        if (roles.length === 0) {
            issues.add(`${p}.roles`, `pool ${shown(pool?.name)} has no roles`, `give it one or more of ${oneOf(NODE_ROLES)}`);
        }
        roles.forEach((role, j) => {
            if (!(NODE_ROLES as readonly string[]).includes(role)) {
                issues.add(`${p}.roles[${j}]`, `unknown role ${shown(role)}`, `use one of ${oneOf(NODE_ROLES)}`);
            }
        });
        if (arr(pool?.nodes).length === 0) {
            issues.add(`${p}.nodes`, `pool ${shown(pool?.name)} is empty`, `list the Kubernetes node names that belong to it, or remove the pool`);
        }
        for (const [k, v] of Object.entries(pool?.labels ?? {})) {
            if (!isLabelKey(k) || !isLabelValue(v)) {
                issues.add(`${p}.labels.${k}`, `"${k}=${shown(v)}" is not a valid Kubernetes label`, `use a DNS-style key and a value of at most 63 characters [A-Za-z0-9_.-]`);
            }
        }
        arr(pool?.nodes).forEach((node, j) => {
            const np = `${p}.nodes[${j}]`;
            if (!isDnsSubdomain(node?.name)) {
                issues.add(`${np}.name`, `node name ${JSON.stringify(node?.name)} is not a valid Kubernetes node name`, `use the name shown by "kubectl get nodes"`);
                return;
            }
            const owner = nodeOwner.get(node.name);
            if (owner && owner.pool === pool.name) {
                issues.add(`${np}.name`, `node ${shown(node.name)} is listed twice in pool ${shown(pool.name)}`, `list each node once`);
            } else if (owner) {
                const conflict = owner.roles.join(",") !== roles.join(",") ? ` with different roles (${owner.roles.join(",")} vs ${roles.join(",")})` : "";
                issues.add(`${np}.name`, `node ${shown(node.name)} is in pools ${shown(owner.pool)} and ${shown(pool.name)}${conflict}; both would label and taint it`,
                    `keep the node in one pool and give that pool every role it needs, e.g. roles: ["network", "compute"]`);
            } else {
                nodeOwner.set(node.name, { pool: pool.name, roles });
            }
            const merged = { ...(pool.nodeDefaults ?? {}), ...node };
            if (merged.tunnelIp !== undefined && !isIp(merged.tunnelIp)) {
                issues.add(`${np}.tunnelIp`, `${shown(merged.tunnelIp)} is not an IP address`, `give the node's overlay address, e.g. "10.0.1.11", or use tunnelInterface`);
            }
            if (merged.tunnelInterface !== undefined && !isInterfaceName(merged.tunnelInterface)) {
                issues.add(`${np}.tunnelInterface`, `${shown(merged.tunnelInterface)} is not a Linux interface name`, `use a name of at most 15 characters, e.g. "eno1"`);
            }
            for (const [bridge, nic] of Object.entries(merged.bridgeInterfaces ?? {})) {
                if (!isInterfaceName(bridge) || !isInterfaceName(nic)) {
                    issues.add(`${np}.bridgeInterfaces.${bridge}`, `"${bridge}: ${shown(nic)}" is not a bridge-to-NIC mapping`, `map an OVS bridge to a NIC, e.g. { "br-ex": "eno2" } (names of at most 15 characters)`);
                }
            }
            for (const [k, dev] of arr(merged.osdDevices).entries()) {
                if (typeof dev !== "string" || !/^\/dev\/[A-Za-z0-9/_.-]+$/.test(dev)) {
                    issues.add(`${np}.osdDevices[${k}]`, `${shown(dev)} is not a block device path`, `use a path such as "/dev/sdb" or "/dev/disk/by-id/..."`);
                }
            }
        });
    });
    const controlNodes = r.nodes.filter((n) => n.roles.includes("control-plane")).length;
    if (arr(spec.nodePools).length > 0 && controlNodes === 0) {
        issues.add("nodePools", "no node has the control-plane role, so the databases and APIs have nowhere to run", `add "control-plane" to the roles of a pool`);
    }

    // Images.
    if (spec.images?.registry !== undefined && (typeof spec.images.registry !== "string" || !isValidImageReference(`${spec.images.registry.replace(/\/+$/, "")}/keystone:x`))) {
        issues.add("images.registry", `${shown(spec.images.registry)} is not a registry path`, `use e.g. "quay.io/airshipit" or "registry.example.com:5000/openstack"`);
    }
    if (spec.images?.distribution !== undefined && (typeof spec.images.distribution !== "string" || !/^[\w][\w.-]{0,100}$/.test(spec.images.distribution))) {
        issues.add("images.distribution", `${shown(spec.images.distribution)} cannot be part of an image tag`, `use letters, digits, '_', '.' or '-', e.g. "ubuntu_noble"`);
    }
    for (const [key, ref] of Object.entries(spec.images?.overrides ?? {})) {
        if (!KNOWN_IMAGE_KEYS.includes(key)) {
            issues.add(`images.overrides.${key}`, `no image is called ${shown(key)}, so this override would be ignored`, `use one of ${oneOf(KNOWN_IMAGE_KEYS)}`);
        }
        if (typeof ref !== "string" || !isValidImageReference(ref)) {
            issues.add(`images.overrides.${key}`, `${JSON.stringify(ref)} is not a valid image reference with a tag or digest`,
                `write registry/path:tag or registry/path@sha256:<64 hex digits>, in lowercase`);
        }
    }

    // Namespaces.
    const ns = spec.namespaces ?? {};
    for (const field of ["controlPlane", "dataPlane"] as const) {
        if (ns[field] !== undefined && !isDnsLabel(ns[field])) {
            issues.add(`namespaces.${field}`, `${shown(ns[field])} is not a valid namespace name`, `use a lowercase DNS label, e.g. "openstack"`);
        }
    }
    if (r.namespaces.controlPlane === r.namespaces.dataPlane) {
        issues.add("namespaces.dataPlane", `the data plane shares namespace ${shown(r.namespaces.dataPlane)} with the control plane`,
            `use a separate namespace: the data plane runs privileged pods, and the control plane must not be allowed to`);
    }
    if (!POD_SECURITY_LEVELS.includes(r.namespaces.controlPlaneSecurity)) {
        issues.add("namespaces.controlPlaneSecurity", `Pod Security level ${shown(r.namespaces.controlPlaneSecurity)} is not allowed for the control plane`,
            `use ${oneOf(POD_SECURITY_LEVELS)}; only the data-plane namespace is privileged`);
    }

    // Cluster.
    for (const field of ["podCidr", "serviceCidr"] as const) {
        const v = spec.cluster?.[field];
        if (v !== undefined && !isCidr(v)) {
            issues.add(`cluster.${field}`, `${shown(v)} is not a CIDR`, `use the form "10.244.0.0/16"`);
        }
    }
    if (spec.cluster?.domain !== undefined && !isDnsSubdomain(spec.cluster.domain)) {
        issues.add("cluster.domain", `${shown(spec.cluster.domain)} is not a DNS domain`, `use your cluster's DNS domain, usually "cluster.local"`);
    }

    // Infrastructure.
    const infra = spec.infrastructure ?? {};
    checkStatefulInfra("infrastructure.mariadb", "Galera", r.infrastructure.mariadb, infra.mariadb, r.devMode, controlNodes, issues);
    checkStatefulInfra("infrastructure.rabbitmq", "RabbitMQ", r.infrastructure.rabbitmq, infra.rabbitmq, r.devMode, controlNodes, issues);
    if (!isPositiveInt(r.infrastructure.memcached.replicas)) {
        issues.add("infrastructure.memcached.replicas", `memcached replicas must be 1 or more`, `set replicas to 1 or more`);
    }
    const mem = r.infrastructure.memcached.memoryMiB;
    if (!isPositiveInt(mem) || mem < 64) {
        issues.add("infrastructure.memcached.memoryMiB", `memcached needs at least 64 MiB, got ${JSON.stringify(mem)}`, `set memoryMiB to 64 or more (default 256)`);
    }

    // A setting nothing reads must not be accepted silently (values that are quietly ignored are the peers' worst pain).
    if (spec.services?.horizon !== undefined) {
        issues.add("services.horizon", "Horizon has no component in oskube yet, so these settings would be ignored", "remove services.horizon");
    }

    // Keystone.
    const ks = spec.services?.keystone;
    checkApiService("services.keystone", ks, issues);
    if (ks?.publicUrl !== undefined && !isHttpUrl(ks.publicUrl)) {
        issues.add("services.keystone.publicUrl", `${shown(ks.publicUrl)} is not an http(s) URL`, `use e.g. "https://keystone.example.com"`);
    }
    if (ks?.region !== undefined && (typeof ks.region !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(ks.region))) {
        issues.add("services.keystone.region", `region ${shown(ks.region)} is empty or has characters Keystone rejects`, `use letters, digits, '_', '.', '-', e.g. "RegionOne"`);
    }
    for (const field of ["adminUser", "adminProject"] as const) {
        const v = ks?.[field];
        if (v !== undefined && (typeof v !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/.test(v))) {
            issues.add(`services.keystone.${field}`, `${shown(v)} is not a usable Keystone name`, `use letters, digits and '_', '.', '@', '-'`);
        }
    }
    if (ks?.tokenExpiration !== undefined && (!isPositiveInt(ks.tokenExpiration) || ks.tokenExpiration < 300)) {
        issues.add("services.keystone.tokenExpiration", `token expiration must be at least 300 seconds, got ${JSON.stringify(ks.tokenExpiration)}`, `use e.g. 3600`);
    }
}
