import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { glanceNames, glanceUrl, renderGlance, renderGlanceConf } from "../lib/render/glance";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { Keystone } from "./keystone";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { provisionService } from "./serviceDeps";
import { StoragePool } from "./storagePool";

export interface GlanceArgs extends SpecArgs {
    mariadb: MariaDb;
    memcached: Memcached;
    keystone: Keystone;
    /** The Ceph storage pool; required when `storage.enabled`, since Glance then stores images in RBD. */
    storage?: StoragePool;
    /** Size of the file store's claim when there is no Ceph. Default: 20Gi. */
    fileStoreSize?: string;
}

/**
 * Glance, the image service. Images go to Ceph RBD (the `images` pool) when the spec enables storage, so Nova can
 * clone them copy-on-write; otherwise to a file store on a ReadWriteOnce claim, which limits Glance to one replica.
 */
export class Glance extends pulumi.ComponentResource {
    readonly internalUrl: pulumi.Output<string>;
    /** `rbd` or `file`. */
    readonly backend: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: GlanceArgs, opts?: Opts) {
        super(typeToken("Glance"), name, {}, opts);
        const cloud = resolved(args.spec);
        const infra = infraEndpoints(cloud);
        const n = glanceNames();
        const url = glanceUrl(cloud);
        const rbd = cloud.compute.glance.backend === "rbd";
        if (rbd && !args.storage) {
            throw new Error(`oskube: Glance "${name}": the spec enables storage, so Glance uses RBD and needs the StoragePool passed as "storage"`);
        }
        const deps = provisionService(this, name, {
            spec: args.spec, mariadb: args.mariadb, keystone: args.keystone, databases: [n.database], keystoneUser: n.keystoneUser,
            registration: { serviceName: "glance", serviceType: "image", internalUrl: url, publicUrl: url },
        });
        const config = new k8s.core.v1.Secret(`${name}-etc`, {
            metadata: { name: n.config, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("glance", "config", name).labels },
            stringData: {
                "glance-api.conf": pulumi.all([deps.databases[n.database].password, deps.keystonePassword])
                    .apply(([db, ks]) => renderGlanceConf(cloud, infra, { dbPassword: db, keystonePassword: ks })),
            },
        }, { parent: this });
        const m = renderGlance(cloud, infra, name, args.fileStoreSize);
        const store: pulumi.Resource[] = m.imagesClaim ? [applyManifest(name, m.imagesClaim, { parent: this })] : [...(args.storage?.ready ?? [])];
        const dbSync = applyManifest(name, m.dbSync, { parent: this, dependsOn: [config, ...deps.waitFor] });
        const api = applyManifests(name, m.api, { parent: this, dependsOn: [dbSync, args.memcached, ...store] });
        this.internalUrl = pulumi.output(url);
        this.backend = pulumi.output(cloud.compute.glance.backend);
        this.ready = [dbSync, ...api.filter((r) => r instanceof k8s.apps.v1.Deployment)];
        this.registerOutputs({ internalUrl: this.internalUrl, backend: this.backend });
    }
}
