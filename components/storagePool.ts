import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    CEPH_CLIENT_SECRET,
    ROOK_CHART,
    renderCephBlockPools,
    renderCephClientSync,
    renderCephClients,
    renderCephCluster,
    renderRbdStorageClass,
    rookOperatorValues,
} from "../lib/render/ceph";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";

export type StoragePoolArgs = SpecArgs;

/**
 * Ceph on the storage-role nodes through Rook: the CephCluster, block pools for images, volumes, vms and Kubernetes
 * volumes, the RBD StorageClass, and the Ceph clients of Glance and Cinder/Nova with their keyrings copied into the
 * OpenStack namespaces.
 *
 * The Rook operator (and its CRDs) is a prerequisite by default, because it is cluster-wide and usually shared. With
 * `storage.installRookOperator`, it is installed from Rook's official Helm chart into the Rook namespace instead.
 */
export class StoragePool extends pulumi.ComponentResource {
    readonly rookNamespace: pulumi.Output<string>;
    readonly storageClassName: pulumi.Output<string>;
    readonly pools: pulumi.Output<Record<string, string>>;
    /** Secret (in both OpenStack namespaces) with ceph.conf and the client keyrings. */
    readonly clientSecretName: pulumi.Output<string>;
    /** Done when the keyrings have been copied, which also means that the cluster answers. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: StoragePoolArgs, opts?: Opts) {
        super(typeToken("StoragePool"), name, {}, opts);
        const cloud = resolved(args.spec);
        const st = cloud.compute.storage;
        if (!st.enabled) {
            throw new Error(`oskube: StoragePool "${name}": storage.enabled is false in the spec; set it to true to run Ceph`);
        }
        const operator: pulumi.Resource[] = [];
        if (st.installRookOperator) {
            const ns = new k8s.core.v1.Namespace(`${name}-rook-namespace`, {
                metadata: { name: st.rookNamespace, labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
            }, { parent: this });
            operator.push(new k8s.helm.v4.Chart(`${name}-rook-operator`, {
                chart: ROOK_CHART.chart,
                version: st.rookVersion,
                repositoryOpts: { repo: ROOK_CHART.repo },
                namespace: st.rookNamespace,
                values: rookOperatorValues(),
            }, { parent: this, dependsOn: [ns] }));
        }
        const crOpts = { parent: this, dependsOn: operator };
        const cluster = applyManifest(name, renderCephCluster(cloud, name), crOpts);
        const pools = applyManifests(name, renderCephBlockPools(cloud, name), { parent: this, dependsOn: [cluster] });
        const clients = applyManifests(name, renderCephClients(cloud, name), { parent: this, dependsOn: pools });
        applyManifest(name, renderRbdStorageClass(cloud, name), { parent: this, dependsOn: pools });
        const sync = renderCephClientSync(cloud, name);
        const rbac = applyManifests(name, sync.filter((m) => m.kind !== "Job"), { parent: this, dependsOn: operator });
        const job = applyManifest(name, sync.find((m) => m.kind === "Job")!, { parent: this, dependsOn: [...rbac, ...clients] });

        this.rookNamespace = pulumi.output(st.rookNamespace);
        this.storageClassName = pulumi.output(st.storageClassName);
        this.pools = pulumi.output<Record<string, string>>({ ...st.pools });
        this.clientSecretName = pulumi.output(CEPH_CLIENT_SECRET);
        this.ready = [job];
        this.registerOutputs({
            rookNamespace: this.rookNamespace,
            storageClassName: this.storageClassName,
            pools: this.pools,
            clientSecretName: this.clientSecretName,
        });
    }
}
