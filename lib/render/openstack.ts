/**
 * Pieces every OpenStack service shares: connection URLs, the keystone_authtoken section, API Deployments and
 * one-shot Jobs (db-sync, bootstrap). Pure functions.
 */
import { ANNOTATIONS } from "../labels";
import { ResolvedCloud, ResolvedResources } from "../spec/resolved";
import {
    Manifest,
    antiAffinity,
    pdb,
    placeOn,
    resourceRequirements,
    restrictedContainerSecurity,
    restrictedPodSecurity,
    service,
    serviceHost,
    workloadLabels,
} from "./k8s";
import { OsloConfig } from "./oslo-ini";

/** The uid/gid the LOCI and Kolla images run OpenStack services as. */
export const OPENSTACK_UID = 42424;

/**
 * Stand-in for a secret while config is rendered for hashing or display. The real value is only ever rendered inside
 * a Pulumi `apply` into a Kubernetes Secret. The hash of the placeholder rendering is known at preview time, so a
 * config change shows up in `pulumi preview` as a pod roll, and the hash reveals nothing about the secret.
 */
export function placeholder(name: string): string {
    return `REDACTED-${name}`;
}

/** Endpoints of the shared infrastructure that every service connects to. */
export interface InfraEndpoints {
    /** Galera client Service host and port. */
    database: { host: string; port: number };
    /** RabbitMQ members (each pod's stable DNS name) and AMQP port. */
    messaging: { hosts: string[]; port: number };
    /** memcached `host:port` servers. */
    memcached: string[];
}

export interface KeystoneEndpoints {
    /** e.g. http://keystone-api.openstack.svc.cluster.local:5000/v3 */
    internalUrl: string;
    publicUrl: string;
    region: string;
}

const enc = encodeURIComponent;

export function databaseUrl(db: InfraEndpoints["database"], name: string, user: string, password: string): string {
    return `mysql+pymysql://${enc(user)}:${enc(password)}@${db.host}:${db.port}/${enc(name)}?charset=utf8`;
}

export function transportUrl(mq: InfraEndpoints["messaging"], user: string, password: string, vhost: string): string {
    const members = mq.hosts.map((h) => `${enc(user)}:${enc(password)}@${h}:${mq.port}`).join(",");
    return `rabbit://${members}/${enc(vhost)}`;
}

/** oslo.messaging options for RabbitMQ 4: quorum queues and durable exchanges. */
export function rabbitOptions(): OsloConfig {
    return {
        oslo_messaging_rabbit: {
            rabbit_quorum_queue: true,
            amqp_durable_queues: true,
            rabbit_transient_quorum_queue: true,
            use_queue_manager: false,
            heartbeat_rate: 3,
        },
    };
}

/** The `[keystone_authtoken]` section of a service that validates tokens. */
export function authtokenSection(ks: KeystoneEndpoints, memcached: string[], user: string, password: string): Record<string, string> {
    return {
        www_authenticate_uri: ks.publicUrl,
        auth_url: ks.internalUrl,
        auth_type: "password",
        project_domain_name: "Default",
        user_domain_name: "Default",
        project_name: "service",
        username: user,
        password,
        region_name: ks.region,
        memcached_servers: memcached.join(","),
        service_token_roles_required: "true",
    };
}

export interface ConfigFile {
    /** Key in the config Secret. */
    key: string;
    /** Absolute path inside the container. */
    path: string;
}

export interface ApiDeploymentParams {
    cloud: ResolvedCloud;
    /** Service name, e.g. `keystone`. */
    service: string;
    /** Component, e.g. `api`. Object name: `<service>-<component>`. */
    component: string;
    instance: string;
    image: string;
    command: string[];
    port: number;
    replicas: number;
    resources: ResolvedResources;
    /** Secret holding the rendered config files. */
    configSecret: string;
    configFiles: ConfigFile[];
    configHash: string;
    /** HTTP path for probes. */
    probePath: string;
    /** Extra Secret volumes (name → mount path). */
    secretMounts?: { secret: string; path: string }[];
    /** Extra labels on the pod template. */
    podLabels?: Record<string, string>;
}

export function configVolume(secretName: string, files: ConfigFile[]): { volume: Record<string, unknown>; mounts: Record<string, unknown>[] } {
    return {
        volume: { name: "config", secret: { secretName, defaultMode: 0o440 } },
        mounts: files.map((f) => ({ name: "config", mountPath: f.path, subPath: f.key, readOnly: true })),
    };
}

/** An OpenStack API: a Deployment behind a Service, spread across control-plane nodes, with a PDB. */
export function renderApiDeployment(p: ApiDeploymentParams): Manifest[] {
    const name = `${p.service}-${p.component}`;
    const ns = p.cloud.namespaces.controlPlane;
    const { labels, selector } = workloadLabels(p.service, p.component, p.instance);
    const cfg = configVolume(p.configSecret, p.configFiles);
    const extra = p.secretMounts ?? [];
    const probe = (initialDelaySeconds: number, periodSeconds: number) => ({
        httpGet: { path: p.probePath, port: p.port },
        initialDelaySeconds,
        periodSeconds,
        timeoutSeconds: 5,
        failureThreshold: 3,
    });
    const deployment: Manifest = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: ns, labels },
        spec: {
            replicas: p.replicas,
            selector: { matchLabels: selector },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
                metadata: { labels: { ...labels, ...(p.podLabels ?? {}) }, annotations: { [ANNOTATIONS.configHash]: p.configHash } },
                spec: {
                    ...placeOn("openstack-control-plane"),
                    affinity: antiAffinity(selector, false),
                    securityContext: restrictedPodSecurity(OPENSTACK_UID),
                    automountServiceAccountToken: false,
                    containers: [
                        {
                            name: p.component,
                            image: p.image,
                            command: p.command,
                            ports: [{ name: "api", containerPort: p.port, protocol: "TCP" }],
                            readinessProbe: probe(5, 10),
                            livenessProbe: probe(30, 30),
                            startupProbe: { ...probe(5, 10), failureThreshold: 30 },
                            resources: resourceRequirements(p.resources),
                            securityContext: restrictedContainerSecurity(),
                            volumeMounts: [
                                ...cfg.mounts,
                                ...extra.map((m, i) => ({ name: `secret-${i}`, mountPath: m.path, readOnly: true })),
                            ],
                        },
                    ],
                    volumes: [cfg.volume, ...extra.map((m, i) => ({ name: `secret-${i}`, secret: { secretName: m.secret, defaultMode: 0o440 } }))],
                },
            },
        },
    };
    return [
        deployment,
        service(name, ns, labels, selector, [{ name: "api", port: p.port }]),
        pdb(name, ns, labels, selector, p.replicas),
    ];
}

export interface WorkerParams {
    cloud: ResolvedCloud;
    service: string;
    /** Object name: `<service>-<component>`. */
    component: string;
    instance: string;
    image: string;
    command: string[];
    replicas: number;
    resources: ResolvedResources;
    configSecret: string;
    configFiles: ConfigFile[];
    configHash: string;
    /** Readiness and liveness probes (e.g. the RPC-reachability probe); none when omitted. */
    probes?: Record<string, unknown>;
    /** Writable state directory (lock_path lives there). Default: `/var/lib/<service>`. */
    stateDir?: string;
    /** Extra volumes, each with its mount in the container (e.g. a probe script). */
    volumes?: { volume: Record<string, unknown>; mount: Record<string, unknown> }[];
}

/**
 * A control-plane service without an HTTP API (RPC server, scheduler, conductor, Octavia workers, cinder-volume):
 * restricted, spread across control-plane nodes, with a PDB.
 */
export function renderWorkerDeployment(p: WorkerParams): Manifest[] {
    const name = `${p.service}-${p.component}`;
    const ns = p.cloud.namespaces.controlPlane;
    const { labels, selector } = workloadLabels(p.service, p.component, p.instance);
    const cfg = configVolume(p.configSecret, p.configFiles);
    const extra = p.volumes ?? [];
    const deployment: Manifest = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: ns, labels },
        spec: {
            replicas: p.replicas,
            selector: { matchLabels: selector },
            template: {
                metadata: { labels, annotations: { [ANNOTATIONS.configHash]: p.configHash } },
                spec: {
                    ...placeOn("openstack-control-plane"),
                    affinity: antiAffinity(selector, false),
                    securityContext: restrictedPodSecurity(OPENSTACK_UID),
                    automountServiceAccountToken: false,
                    containers: [{
                        name: p.component,
                        image: p.image,
                        command: p.command,
                        ...(p.probes ?? {}),
                        resources: resourceRequirements(p.resources),
                        securityContext: restrictedContainerSecurity(),
                        volumeMounts: [...cfg.mounts, ...extra.map((e) => e.mount), { name: "state", mountPath: p.stateDir ?? `/var/lib/${p.service}` }],
                    }],
                    volumes: [cfg.volume, ...extra.map((e) => e.volume), { name: "state", emptyDir: {} }],
                },
            },
        },
    };
    return [deployment, pdb(name, ns, labels, selector, p.replicas)];
}

export interface JobParams {
    cloud: ResolvedCloud;
    service: string;
    /** e.g. `db-sync`. Object name: `<service>-<job>`. */
    job: string;
    instance: string;
    image: string;
    command: string[];
    configSecret?: string;
    configFiles?: ConfigFile[];
    /** Environment from Secret keys, kept out of the pod spec's plain text. */
    secretEnv?: { name: string; secret: string; key: string }[];
    env?: Record<string, string>;
    configHash?: string;
}

/**
 * A one-shot Job on the control plane. Jobs are immutable, so a changed Job is replaced; components set
 * `deleteBeforeReplace` because the name is fixed.
 */
export function renderJob(p: JobParams): Manifest {
    const ns = p.cloud.namespaces.controlPlane;
    const { labels } = workloadLabels(p.service, p.job, p.instance);
    const cfg = p.configSecret ? configVolume(p.configSecret, p.configFiles ?? []) : undefined;
    const env = [
        ...Object.entries(p.env ?? {}).map(([name, value]) => ({ name, value })),
        ...(p.secretEnv ?? []).map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secret, key: e.key } } })),
    ];
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: `${p.service}-${p.job}`, namespace: ns, labels },
        spec: {
            backoffLimit: 6,
            template: {
                metadata: { labels, annotations: p.configHash ? { [ANNOTATIONS.configHash]: p.configHash } : {} },
                spec: {
                    restartPolicy: "OnFailure",
                    ...placeOn("openstack-control-plane"),
                    securityContext: restrictedPodSecurity(OPENSTACK_UID),
                    automountServiceAccountToken: false,
                    containers: [
                        {
                            name: p.job,
                            image: p.image,
                            command: p.command,
                            ...(env.length > 0 ? { env } : {}),
                            resources: resourceRequirements({ cpu: "100m", memory: "256Mi" }),
                            securityContext: restrictedContainerSecurity(),
                            ...(cfg ? { volumeMounts: cfg.mounts } : {}),
                        },
                    ],
                    ...(cfg ? { volumes: [cfg.volume] } : {}),
                },
            },
        },
    };
}

/** The in-cluster URL of a service's API. */
export function internalUrl(cloud: ResolvedCloud, serviceName: string, port: number, path = ""): string {
    return `http://${serviceHost(serviceName, cloud.namespaces.controlPlane, cloud.cluster.domain)}:${port}${path}`;
}
