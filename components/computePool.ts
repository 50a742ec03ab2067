import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { computePoolNames, renderNovaCompute, renderNovaComputeConf } from "../lib/render/compute";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { renderLibvirt, renderLibvirtConfigMap } from "../lib/render/libvirt";
import { renderDiscoverHostsJob } from "../lib/render/nova";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest } from "./k8s";
import { Nova } from "./nova";
import { StoragePool } from "./storagePool";

export interface ComputePoolArgs extends SpecArgs {
    /** Name of the pool in `spec.compute.pools` (`default` when the spec lists none). */
    pool: string;
    nova: Nova;
    /** The Ceph storage pool; required when `storage.enabled` (RBD disks and volume attachments). */
    storage?: StoragePool;
}

/**
 * The VM pods of one compute pool: a libvirt DaemonSet, whose pods hold the VMs' qemu processes, and a nova-compute
 * DaemonSet, both privileged and host-networked in the data-plane namespace, only on the compute nodes of the pool's
 * node pools. nova-compute's config is a Secret in the data-plane namespace, since those pods cannot read the control
 * plane's. Once both DaemonSets are up, a Job maps the new hypervisors into cell1.
 */
export class ComputePool extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly virtType: pulumi.Output<string>;
    readonly nodePools: pulumi.Output<string[]>;
    readonly novaComputeName: pulumi.Output<string>;
    readonly libvirtName: pulumi.Output<string>;

    constructor(name: string, args: ComputePoolArgs, opts?: Opts) {
        super(typeToken("ComputePool"), name, {}, opts);
        const cloud = resolved(args.spec);
        const pool = cloud.compute.pools.find((p) => p.name === args.pool);
        if (!pool) {
            throw new Error(`oskube: ComputePool "${name}": spec.compute.pools has no pool named "${args.pool}" (pools: ${cloud.compute.pools.map((p) => p.name).join(", ") || "none"})`);
        }
        if (cloud.compute.storageEnabled && !args.storage) {
            throw new Error(`oskube: ComputePool "${name}": the spec enables storage, so hypervisors need the StoragePool passed as "storage"`);
        }
        const infra = infraEndpoints(cloud);
        const n = computePoolNames(pool.name);
        const ns = cloud.namespaces.dataPlane;
        const wiring = args.nova.wiring;
        const config = new k8s.core.v1.Secret(`${name}-nova-etc`, {
            metadata: { name: n.novaConfig, namespace: ns, labels: workloadLabels("nova", "compute-config", name).labels },
            stringData: { "nova.conf": args.nova.computeCredentials.apply((c) => renderNovaComputeConf(cloud, pool, infra, wiring, c)) },
        }, { parent: this });
        const libvirtConfig = applyManifest(name, renderLibvirtConfigMap(cloud, pool, name), { parent: this });
        const storageReady = args.storage?.ready ?? [];
        const libvirt = applyManifest(name, renderLibvirt(cloud, pool, name), { parent: this, dependsOn: [libvirtConfig, ...storageReady] });
        const compute = applyManifest(name, renderNovaCompute(cloud, pool, infra, wiring, name), {
            parent: this, dependsOn: [config, libvirt, ...args.nova.ready, ...storageReady],
        });
        applyManifest(name, renderDiscoverHostsJob(cloud, infra, wiring, name, `discover-hosts-${pool.name}`), { parent: this, dependsOn: [compute] });

        this.namespace = pulumi.output(ns);
        this.virtType = pulumi.output(pool.virtType);
        this.nodePools = pulumi.output([...pool.nodePools]);
        this.novaComputeName = pulumi.output(n.novaCompute);
        this.libvirtName = pulumi.output(n.libvirt);
        this.registerOutputs({
            namespace: this.namespace,
            virtType: this.virtType,
            nodePools: this.nodePools,
            novaComputeName: this.novaComputeName,
            libvirtName: this.libvirtName,
        });
    }
}
