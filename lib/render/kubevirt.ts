/**
 * KubeVirt: a VM that literally is a pod. A `VirtualMachine` becomes a virt-launcher pod on a compute node; the KubeVirt
 * CR tells KubeVirt's own DaemonSet (virt-handler) to tolerate the role taints. Pure.
 */
import { ENABLED, ROLE_LABELS, appLabels } from "../labels";
import { ResolvedKubevirtVm } from "../spec/compute";
import { ResolvedCloud } from "../spec/resolved";
import { Manifest, roleTolerations } from "./k8s";

export const KUBEVIRT_NAMESPACE = "kubevirt";

/** KubeVirt's published operator manifest for a release. */
export function kubevirtOperatorUrl(version: string): string {
    return `https://github.com/kubevirt/kubevirt/releases/download/${version}/kubevirt-operator.yaml`;
}

/**
 * The KubeVirt CR. oskube renders its own rather than applying the release's `kubevirt-cr.yaml`, because virt-handler
 * must land on tainted compute nodes, which the stock CR does not allow.
 */
export function renderKubevirtCr(instance: string): Manifest {
    return {
        apiVersion: "kubevirt.io/v1",
        kind: "KubeVirt",
        metadata: { name: "kubevirt", namespace: KUBEVIRT_NAMESPACE, labels: appLabels("kubevirt", "operator", instance) },
        spec: {
            certificateRotateStrategy: {},
            configuration: { developerConfiguration: { featureGates: [] } },
            customizeComponents: {},
            imagePullPolicy: "IfNotPresent",
            workloadUpdateStrategy: { workloadUpdateMethods: ["LiveMigrate"] },
            workloads: { nodePlacement: { nodeSelector: { [ROLE_LABELS.compute]: ENABLED }, tolerations: roleTolerations() } },
        },
    };
}

export function renderVirtualMachine(cloud: ResolvedCloud, vm: ResolvedKubevirtVm, instance: string): Manifest {
    const labels = { ...appLabels("kubevirt-vm", "vm", instance), "kubevirt.io/vm": vm.name };
    const multus = vm.networks.map((net, i) => ({ name: `net${i + 1}`, multus: { networkName: net } }));
    return {
        apiVersion: "kubevirt.io/v1",
        kind: "VirtualMachine",
        metadata: { name: vm.name, namespace: cloud.namespaces.dataPlane, labels },
        spec: {
            runStrategy: vm.running ? "Always" : "Halted",
            template: {
                metadata: { labels },
                spec: {
                    nodeSelector: { [ROLE_LABELS.compute]: ENABLED },
                    tolerations: roleTolerations(),
                    domain: {
                        cpu: { cores: vm.cpuCores },
                        memory: { guest: vm.memory },
                        resources: { requests: { memory: vm.memory } },
                        devices: {
                            disks: [{ name: "containerdisk", disk: { bus: "virtio" } }],
                            interfaces: [
                                { name: "default", masquerade: {} },
                                ...multus.map((m) => ({ name: m.name, bridge: {} })),
                            ],
                        },
                    },
                    networks: [{ name: "default", pod: {} }, ...multus],
                    volumes: [{ name: "containerdisk", containerDisk: { image: vm.image } }],
                    terminationGracePeriodSeconds: 60,
                },
            },
        },
    };
}
