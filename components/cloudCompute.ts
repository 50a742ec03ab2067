import * as pulumi from "@pulumi/pulumi";
import { novaNames } from "../lib/render/nova";
import { Cinder } from "./cinder";
import { CloudContext } from "./cloudContext";
import { CloudNetworking } from "./cloudNetworking";
import { ComputePool } from "./computePool";
import { Glance } from "./glance";
import { Kubevirt, KubevirtVm } from "./kubevirtVm";
import { Nova } from "./nova";
import { Placement } from "./placement";
import { StoragePool } from "./storagePool";

/** Outputs of the compute and storage part of `Cloud` (Placement, Glance, Nova, Cinder, compute pools, Ceph). */
export interface CloudCompute {
    outputs: Record<string, pulumi.Output<unknown>>;
    placement: Placement;
    glance: Glance;
    nova: Nova;
    cinder?: Cinder;
    storage?: StoragePool;
    computePools: ComputePool[];
    kubevirtVms: KubevirtVm[];
}

/**
 * Adds the compute, image and storage components to a `Cloud`. Nova takes Neutron's URL and metadata secret from the
 * networking part when it provides them; otherwise Nova falls back to the `neutron-server` naming convention and
 * generates the metadata secret itself (Secret `nova-metadata-proxy`), so compute works before or without Neutron.
 */
export function addCompute(ctx: CloudContext, net: CloudNetworking): CloudCompute {
    const { name, parent, spec, cloud } = ctx;
    const base = [ctx.namespaces, ...ctx.nodePools];
    const shared = { spec, mariadb: ctx.mariadb, memcached: ctx.memcached, keystone: ctx.keystone };
    const storage = cloud.compute.storageEnabled ? new StoragePool(`${name}-storage`, { spec }, { parent, dependsOn: base }) : undefined;
    const placement = new Placement(`${name}-placement`, shared, { parent, dependsOn: base });
    const glance = new Glance(`${name}-glance`, { ...shared, storage }, { parent, dependsOn: base });
    const nova = new Nova(`${name}-nova`, {
        ...shared, rabbitmq: ctx.rabbitmq, placement,
        neutronUrl: net.neutronInternalUrl,
        metadataProxySecret: net.metadataProxySecret,
    }, { parent, dependsOn: [...base, ...net.ready] });
    const cinder = cloud.compute.cinderEnabled && storage
        ? new Cinder(`${name}-cinder`, { ...shared, rabbitmq: ctx.rabbitmq, storage }, { parent, dependsOn: base })
        : undefined;
    const computePools = cloud.compute.pools.map((p) => new ComputePool(`${name}-compute-${p.name}`, {
        spec, pool: p.name, nova, storage,
    }, { parent, dependsOn: [...base, ...net.ready] }));
    const kubevirt = cloud.compute.installKubevirt ? new Kubevirt(`${name}-kubevirt`, { spec }, { parent, dependsOn: base }) : undefined;
    const kubevirtVms = cloud.compute.kubevirtVms.map((vm) => new KubevirtVm(`${name}-vm-${vm.name}`, { spec, vm: vm.name, kubevirt }, { parent, dependsOn: base }));

    const outputs: Record<string, pulumi.Output<unknown>> = {
        computeUrl: nova.apiUrl,
        placementUrl: placement.internalUrl,
        imageUrl: glance.internalUrl,
        imageBackend: glance.backend,
        novaMetadataHost: nova.metadataHost,
        novncproxyUrl: nova.novncproxyUrl,
        computePools: pulumi.output(cloud.compute.pools.map((p) => p.name)),
        kubevirtVms: pulumi.output(cloud.compute.kubevirtVms.map((v) => v.name)),
    };
    if (net.metadataProxySecret === undefined) {
        outputs.metadataProxySecretName = pulumi.output(novaNames().metadataSecret);
    }
    if (cinder) {
        outputs.volumeUrl = cinder.internalUrl;
    }
    if (storage) {
        outputs.storageClassName = storage.storageClassName;
        outputs.rookNamespace = storage.rookNamespace;
        outputs.cephPools = storage.pools;
    }
    return { outputs, placement, glance, nova, cinder, storage, computePools, kubevirtVms };
}
