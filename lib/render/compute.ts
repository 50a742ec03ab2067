/**
 * A compute pool's hypervisors: the nova-compute DaemonSet and its config, placed on the compute nodes of the pool's
 * node pools, in the data-plane namespace. Pure.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ANNOTATIONS, ENABLED, ROLE_LABELS } from "../labels";
import { ResolvedComputePool } from "../spec/compute";
import { ResolvedCloud } from "../spec/resolved";
import { CEPH_CONF_DIR, CINDER_CEPH_USER, cephClientVolume, rbdSecretUuid } from "./ceph";
import { Manifest, privilegedContainerSecurity, resourceRequirements, roleTolerations, workloadLabels } from "./k8s";
import { POOL_LABEL } from "./nodes";
import { NovaSecrets, NovaWiring, novaCommonConf, novaEndpoints } from "./nova";
import { InfraEndpoints, placeholder } from "./openstack";
import { OsloConfig, mergeOslo, renderOsloIni } from "./oslo-ini";

export function computePoolNames(pool: string) {
    return {
        novaCompute: `nova-compute-${pool}`,
        libvirt: `libvirt-${pool}`,
        /** In the data-plane namespace: its pods cannot read the control plane's Secrets. */
        novaConfig: `nova-compute-${pool}-etc`,
        libvirtConfig: `libvirt-${pool}-etc`,
    };
}

/**
 * Required node affinity to this pool's compute nodes. `In` on the node-pool label keeps two compute pools with
 * different virt types or CPU models from ever sharing a host.
 */
export function computePoolAffinity(pool: ResolvedComputePool): Record<string, unknown> {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{
                    matchExpressions: [
                        { key: ROLE_LABELS.compute, operator: "In", values: [ENABLED] },
                        { key: POOL_LABEL, operator: "In", values: [...pool.nodePools] },
                    ],
                }],
            },
        },
    };
}

export type NovaComputeSecrets = Pick<NovaSecrets, "mqPassword" | "keystonePassword">;

function libvirtSection(cloud: ResolvedCloud, pool: ResolvedComputePool): OsloConfig {
    const storage = cloud.compute.storage;
    const rbd = pool.ephemeralBackend === "rbd";
    return {
        libvirt: {
            virt_type: pool.virtType,
            cpu_mode: pool.cpuMode,
            cpu_models: pool.cpuMode === "custom" ? pool.cpuModels : undefined,
            images_type: rbd ? "rbd" : "qcow2",
            images_rbd_pool: rbd ? storage.pools.vms : undefined,
            images_rbd_ceph_conf: rbd ? `${CEPH_CONF_DIR}/ceph.conf` : undefined,
            // Cinder volumes attach through the same libvirt secret even when ephemeral disks stay local.
            rbd_user: storage.enabled ? CINDER_CEPH_USER : undefined,
            rbd_secret_uuid: storage.enabled ? rbdSecretUuid(cloud) : undefined,
            live_migration_scheme: "tcp",
        },
    };
}

export function renderNovaComputeConf(cloud: ResolvedCloud, pool: ResolvedComputePool, infra: InfraEndpoints, wiring: NovaWiring, s: NovaComputeSecrets): string {
    const common = novaCommonConf(cloud, infra, wiring, s);
    return renderOsloIni(mergeOslo({
        ...common,
        DEFAULT: { ...common.DEFAULT, compute_driver: "libvirt.LibvirtDriver", instances_path: "/var/lib/nova/instances" },
        ...libvirtSection(cloud, pool),
        vnc: { enabled: true, server_listen: "0.0.0.0", novncproxy_base_url: novaEndpoints(cloud).novncproxyBaseUrl },
        os_vif_ovs: { ovsdb_connection: "unix:/run/openvswitch/db.sock" },
        compute: { resource_provider_association_refresh: 300 },
    }, cloud.compute.nova.configOverrides));
}

export function novaComputeConfigHash(cloud: ResolvedCloud, pool: ResolvedComputePool, infra: InfraEndpoints, wiring: NovaWiring): string {
    return configHash(renderNovaComputeConf(cloud, pool, infra, wiring, { mqPassword: placeholder("nova-mq"), keystonePassword: placeholder("nova-keystone") }));
}

export interface HostPathMount {
    name: string;
    hostPath: string;
    mountPath: string;
    bidirectional?: boolean;
    readOnly?: boolean;
    type?: string;
}

/** Host paths both nova-compute and libvirt see the same way: instance files, libvirt state and sockets, devices. */
export function hypervisorHostMounts(): HostPathMount[] {
    return [
        { name: "var-lib-nova", hostPath: "/var/lib/nova", mountPath: "/var/lib/nova", bidirectional: true, type: "DirectoryOrCreate" },
        { name: "var-lib-libvirt", hostPath: "/var/lib/libvirt", mountPath: "/var/lib/libvirt", bidirectional: true, type: "DirectoryOrCreate" },
        { name: "run-libvirt", hostPath: "/run/libvirt", mountPath: "/run/libvirt", bidirectional: true, type: "DirectoryOrCreate" },
        { name: "dev", hostPath: "/dev", mountPath: "/dev" },
        { name: "cgroup", hostPath: "/sys/fs/cgroup", mountPath: "/sys/fs/cgroup" },
        { name: "lib-modules", hostPath: "/lib/modules", mountPath: "/lib/modules", readOnly: true },
    ];
}

export function hostVolumes(mounts: HostPathMount[]): { volumes: Record<string, unknown>[]; volumeMounts: Record<string, unknown>[] } {
    return {
        volumes: mounts.map((m) => ({ name: m.name, hostPath: { path: m.hostPath, ...(m.type ? { type: m.type } : {}) } })),
        volumeMounts: mounts.map((m) => ({
            name: m.name,
            mountPath: m.mountPath,
            ...(m.bidirectional ? { mountPropagation: "Bidirectional" } : {}),
            ...(m.readOnly ? { readOnly: true } : {}),
        })),
    };
}

export interface DataPlaneDaemonSetParams {
    cloud: ResolvedCloud;
    pool: ResolvedComputePool;
    name: string;
    service: string;
    component: string;
    instance: string;
    containers: Record<string, unknown>[];
    volumes: Record<string, unknown>[];
    configHash: string;
}

/** A privileged, host-networked DaemonSet on one compute pool's nodes. */
export function renderDataPlaneDaemonSet(p: DataPlaneDaemonSetParams): Manifest {
    const { labels, selector } = workloadLabels(p.service, p.component, p.instance);
    const poolLabels = { ...labels, "oskube.io/compute-pool": p.pool.name };
    const poolSelector = { ...selector, "oskube.io/compute-pool": p.pool.name };
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: p.name, namespace: p.cloud.namespaces.dataPlane, labels: poolLabels },
        spec: {
            selector: { matchLabels: poolSelector },
            // One host at a time: a hypervisor restart pauses its VMs' management, never their execution.
            updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
            template: {
                metadata: { labels: poolLabels, annotations: { [ANNOTATIONS.configHash]: p.configHash } },
                spec: {
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    affinity: computePoolAffinity(p.pool),
                    tolerations: roleTolerations(),
                    hostNetwork: true,
                    hostPID: true,
                    hostIPC: true,
                    dnsPolicy: "ClusterFirstWithHostNet",
                    automountServiceAccountToken: false,
                    terminationGracePeriodSeconds: 120,
                    containers: p.containers,
                    volumes: p.volumes,
                },
            },
        },
    };
}

export function renderNovaCompute(cloud: ResolvedCloud, pool: ResolvedComputePool, infra: InfraEndpoints, wiring: NovaWiring, instance: string): Manifest {
    const n = computePoolNames(pool.name);
    const host = hostVolumes([
        ...hypervisorHostMounts(),
        { name: "run-openvswitch", hostPath: "/run/openvswitch", mountPath: "/run/openvswitch", type: "DirectoryOrCreate" },
    ]);
    const ceph = cephClientVolume();
    const withCeph = cloud.compute.storageEnabled;
    // host and my_ip differ per node; they come from the downward API into a second config file.
    const script = [
        "set -e",
        'printf "[DEFAULT]\\nhost = %s\\nmy_ip = %s\\n" "$NODE_NAME" "$HOST_IP" > /tmp/nova-host.conf',
        "mkdir -p /var/lib/nova/instances /var/lib/nova/tmp",
        "exec nova-compute --config-file /etc/nova/nova.conf --config-file /tmp/nova-host.conf",
    ].join("\n");
    return renderDataPlaneDaemonSet({
        cloud, pool, name: n.novaCompute, service: "nova", component: "compute", instance,
        configHash: novaComputeConfigHash(cloud, pool, infra, wiring),
        containers: [{
            name: "nova-compute",
            image: imageFor(cloud.images, cloud.release, "nova"),
            command: ["/bin/bash", "-c", script],
            env: [
                { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
            ],
            resources: resourceRequirements({ cpu: "250m", memory: "512Mi" }),
            securityContext: privilegedContainerSecurity(),
            volumeMounts: [
                { name: "config", mountPath: "/etc/nova/nova.conf", subPath: "nova.conf", readOnly: true },
                ...host.volumeMounts,
                ...(withCeph ? [ceph.mount] : []),
            ],
        }],
        volumes: [
            { name: "config", secret: { secretName: n.novaConfig, defaultMode: 0o400 } },
            ...host.volumes,
            ...(withCeph ? [ceph.volume] : []),
        ],
    });
}
