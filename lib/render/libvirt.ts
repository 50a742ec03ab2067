/**
 * libvirt on a compute pool's nodes: libvirtd.conf, qemu.conf and the DaemonSet whose pods hold the VMs' qemu
 * processes. With Ceph it also defines the libvirt secret that lets qemu open RBD disks as client.cinder. Pure.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ResolvedComputePool } from "../spec/compute";
import { ResolvedCloud } from "../spec/resolved";
import { CEPH_CONF_DIR, CINDER_CEPH_USER, cephClientVolume, rbdSecretUuid } from "./ceph";
import { computePoolNames, hostVolumes, hypervisorHostMounts, renderDataPlaneDaemonSet } from "./compute";
import { Manifest, privilegedContainerSecurity, resourceRequirements, workloadLabels } from "./k8s";

/** libvirt's own config syntax: `key = value` with double-quoted strings. */
export function renderLibvirtConf(options: Record<string, string | number>): string {
    return Object.entries(options).map(([k, v]) => `${k} = ${typeof v === "number" ? v : JSON.stringify(v)}`).join("\n") + "\n";
}

export function libvirtdConf(): string {
    return renderLibvirtConf({
        listen_tls: 0,
        listen_tcp: 1,
        // Live migration over TCP inside the cluster network; authentication is left to the network boundary (see docs).
        auth_tcp: "none",
        unix_sock_group: "root",
        unix_sock_rw_perms: "0770",
        auth_unix_rw: "none",
        log_outputs: "3:stderr",
    });
}

export function qemuConf(pool: ResolvedComputePool): string {
    return renderLibvirtConf({
        stdio_handler: "file",
        user: "nova",
        group: "kvm",
        // Containers carry no host AppArmor/SELinux profiles for qemu; the pod's own isolation applies.
        security_driver: "none",
        ...(pool.virtType === "kvm" ? {} : { max_processes: 0 }),
    });
}

/** The libvirt secret definition for the cinder Ceph key. */
export function libvirtCephSecretXml(cloud: ResolvedCloud): string {
    return `<secret ephemeral='no' private='no'><uuid>${rbdSecretUuid(cloud)}</uuid><usage type='ceph'><name>client.${CINDER_CEPH_USER} secret</name></usage></secret>`;
}

export function renderLibvirtConfigMap(cloud: ResolvedCloud, pool: ResolvedComputePool, instance: string): Manifest {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: computePoolNames(pool.name).libvirtConfig, namespace: cloud.namespaces.dataPlane, labels: workloadLabels("libvirt", "config", instance).labels },
        data: { "libvirtd.conf": libvirtdConf(), "qemu.conf": qemuConf(pool) },
    };
}

export function renderLibvirt(cloud: ResolvedCloud, pool: ResolvedComputePool, instance: string): Manifest {
    const n = computePoolNames(pool.name);
    const ceph = cloud.compute.storageEnabled;
    const host = hostVolumes([
        ...hypervisorHostMounts(),
        { name: "etc-libvirt-qemu", hostPath: "/etc/libvirt/qemu", mountPath: "/etc/libvirt/qemu", type: "DirectoryOrCreate" },
        { name: "var-log-libvirt", hostPath: "/var/log/libvirt", mountPath: "/var/log/libvirt", type: "DirectoryOrCreate" },
        { name: "machine-id", hostPath: "/etc/machine-id", mountPath: "/etc/machine-id", readOnly: true },
    ]);
    const secretXml = libvirtCephSecretXml(cloud);
    const script = ceph
        ? [
            "set -e",
            "rm -f /run/libvirtd.pid",
            "libvirtd --listen &",
            "PID=$!",
            "until virsh list >/dev/null 2>&1; do sleep 1; done",
            `echo "${secretXml}" > /tmp/ceph-secret.xml`,
            "virsh secret-define --file /tmp/ceph-secret.xml",
            `virsh secret-set-value --secret ${rbdSecretUuid(cloud)} --file ${CEPH_CONF_DIR}/${CINDER_CEPH_USER}.key`,
            "wait $PID",
        ]
        : ["set -e", "rm -f /run/libvirtd.pid", "exec libvirtd --listen"];
    const cephVol = cephClientVolume();
    const hash = configHash(libvirtdConf(), qemuConf(pool), ceph ? secretXml : "");
    return renderDataPlaneDaemonSet({
        cloud, pool, name: n.libvirt, service: "libvirt", component: "libvirtd", instance, configHash: hash,
        containers: [{
            name: "libvirt",
            image: imageFor(cloud.images, cloud.release, "libvirt"),
            command: ["/bin/bash", "-c", script.join("\n")],
            resources: resourceRequirements({ cpu: "250m", memory: "512Mi" }),
            securityContext: privilegedContainerSecurity(),
            readinessProbe: { exec: { command: ["virsh", "connect"] }, periodSeconds: 30, timeoutSeconds: 10 },
            livenessProbe: { exec: { command: ["virsh", "connect"] }, initialDelaySeconds: 30, periodSeconds: 60, timeoutSeconds: 10, failureThreshold: 5 },
            volumeMounts: [
                { name: "config", mountPath: "/etc/libvirt/libvirtd.conf", subPath: "libvirtd.conf", readOnly: true },
                { name: "config", mountPath: "/etc/libvirt/qemu.conf", subPath: "qemu.conf", readOnly: true },
                ...host.volumeMounts,
                ...(ceph ? [cephVol.mount] : []),
            ],
        }],
        volumes: [
            { name: "config", configMap: { name: n.libvirtConfig } },
            ...host.volumes,
            ...(ceph ? [cephVol.volume] : []),
        ],
    });
}
