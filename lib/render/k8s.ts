/**
 * Plain Kubernetes object builders shared by every service. Pure: they return object specs that components hand to
 * the Kubernetes provider, and that unit tests inspect directly.
 */
import { ENABLED, ROLE_LABELS, appLabels, selectorLabels } from "../labels";
import { ResolvedResources } from "../spec/resolved";
import { NODE_ROLES } from "../spec/types";

export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

/** A Kubernetes object as the API server takes it. */
export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: ObjectMeta;
    [field: string]: unknown;
}

export interface Toleration {
    key: string;
    operator: string;
    effect: string;
}

/** Tolerations for every oskube role taint. Placement itself comes from node selectors. */
export function roleTolerations(): Toleration[] {
    return NODE_ROLES.map((role) => ({ key: ROLE_LABELS[role], operator: "Exists", effect: "NoSchedule" }));
}

/** Node selector for a label that NodePool sets (a role label or a derived one such as `openvswitch`). */
export function placeOn(label: string): { nodeSelector: Record<string, string>; tolerations: Toleration[] } {
    return { nodeSelector: { [label]: ENABLED, "kubernetes.io/os": "linux" }, tolerations: roleTolerations() };
}

export function resourceRequirements(r: ResolvedResources): Record<string, unknown> {
    return { requests: { cpu: r.cpu, memory: r.memory }, limits: { memory: r.memory } };
}

/** Pod security context that satisfies the `restricted` Pod Security Standard. */
export function restrictedPodSecurity(uid: number, gid = uid): Record<string, unknown> {
    return { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile: { type: "RuntimeDefault" } };
}

/** Container security context that satisfies the `restricted` Pod Security Standard. */
export function restrictedContainerSecurity(): Record<string, unknown> {
    return { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: false };
}

/** Privileged data-plane container (OVS, agents, libvirt, nova-compute). Only ever used in the data-plane namespace. */
export function privilegedContainerSecurity(): Record<string, unknown> {
    return { privileged: true, runAsUser: 0, allowPrivilegeEscalation: true };
}

/** Spread members across nodes. Required anti-affinity for quorum members, preferred for stateless replicas. */
export function antiAffinity(selector: Record<string, string>, required: boolean): Record<string, unknown> {
    const term = { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" };
    return {
        podAntiAffinity: required
            ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
            : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] },
    };
}

/** The `data` claim of a StatefulSet member, or none when persistence is off (the pod then mounts an emptyDir). */
export function dataClaims(p: { enabled: boolean; storageClassName?: string; size: string }, labels: Record<string, string>): Record<string, unknown>[] {
    if (!p.enabled) {
        return [];
    }
    return [{
        metadata: { name: "data", labels },
        spec: {
            accessModes: ["ReadWriteOnce"],
            ...(p.storageClassName ? { storageClassName: p.storageClassName } : {}),
            resources: { requests: { storage: p.size } },
        },
    }];
}

export function serviceAccount(name: string, namespace: string, labels: Record<string, string>): Manifest {
    return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace, labels }, automountServiceAccountToken: false };
}

export function pdb(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>, replicas: number): Manifest {
    // Quorum sets keep a majority; stateless sets keep all but one.
    const spec = replicas >= 3 && replicas % 2 === 1 ? { minAvailable: Math.floor(replicas / 2) + 1 } : { maxUnavailable: 1 };
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace, labels },
        spec: { ...spec, selector: { matchLabels: selector } },
    };
}

export interface ServicePort {
    name: string;
    port: number;
    targetPort?: number;
}

export function service(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>,
    ports: ServicePort[], headless = false): Manifest {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace, labels },
        spec: {
            ...(headless ? { clusterIP: "None", publishNotReadyAddresses: true } : { type: "ClusterIP" }),
            selector,
            ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: "TCP" })),
        },
    };
}

/** In-cluster DNS name of a Service. */
export function serviceHost(name: string, namespace: string, clusterDomain: string): string {
    return `${name}.${namespace}.svc.${clusterDomain}`;
}

/** Labels of one workload of a service, and the selector subset. */
export function workloadLabels(name: string, component: string, instance: string): { labels: Record<string, string>; selector: Record<string, string> } {
    return { labels: appLabels(name, component, instance), selector: selectorLabels(name, component, instance) };
}
