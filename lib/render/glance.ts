/**
 * Glance: glance-api.conf, the API and its db-sync Job. The image store is Ceph RBD (the `images` pool) when storage is
 * enabled, and otherwise a file store on a PersistentVolumeClaim. Pure.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ResolvedCloud } from "../spec/resolved";
import { CEPH_CONF_DIR, GLANCE_CEPH_USER, cephClientVolume } from "./ceph";
import { Manifest, workloadLabels } from "./k8s";
import { keystoneEndpoints } from "./keystone";
import { addPodVolumes } from "./nova";
import { InfraEndpoints, authtokenSection, databaseUrl, internalUrl, placeholder, renderApiDeployment, renderJob } from "./openstack";
import { OsloConfig, mergeOslo, renderOsloIni } from "./oslo-ini";

export const GLANCE_PORT = 9292;
export const GLANCE_FILE_STORE = "/var/lib/glance/images";

export function glanceNames() {
    return { api: "glance-api", config: "glance-etc", database: "glance", keystoneUser: "glance", imagesClaim: "glance-images" };
}

export function glanceUrl(cloud: ResolvedCloud): string {
    return internalUrl(cloud, glanceNames().api, GLANCE_PORT);
}

export interface GlanceSecrets {
    dbPassword: string;
    keystonePassword: string;
}

function storeConf(cloud: ResolvedCloud): OsloConfig {
    if (cloud.compute.glance.backend === "rbd") {
        return {
            glance_store: { default_backend: "rbd" },
            rbd: {
                rbd_store_pool: cloud.compute.storage.pools.images,
                rbd_store_user: GLANCE_CEPH_USER,
                rbd_store_ceph_conf: `${CEPH_CONF_DIR}/ceph.conf`,
                rbd_store_chunk_size: 8,
                store_description: "Ceph RBD",
            },
        };
    }
    return { glance_store: { default_backend: "file" }, file: { filesystem_store_datadir: GLANCE_FILE_STORE, store_description: "Local file store" } };
}

export function renderGlanceConf(cloud: ResolvedCloud, infra: InfraEndpoints, s: GlanceSecrets): string {
    const n = glanceNames();
    const backend = cloud.compute.glance.backend;
    return renderOsloIni(mergeOslo({
        DEFAULT: {
            use_stderr: true,
            debug: false,
            bind_port: GLANCE_PORT,
            enabled_backends: `${backend}:${backend}`,
            // Copy-on-write clones from RBD images need their location, which only admins see.
            show_image_direct_url: backend === "rbd",
            workers: 2,
        },
        database: { connection: databaseUrl(infra.database, n.database, n.database, s.dbPassword), max_retries: -1 },
        keystone_authtoken: authtokenSection(keystoneEndpoints(cloud), infra.memcached, n.keystoneUser, s.keystonePassword),
        paste_deploy: { flavor: "keystone" },
        oslo_concurrency: { lock_path: "/var/lib/glance/tmp" },
        oslo_policy: { enforce_new_defaults: true },
        ...storeConf(cloud),
    }, cloud.compute.glance.configOverrides));
}

export function glanceConfigHash(cloud: ResolvedCloud, infra: InfraEndpoints): string {
    return configHash(renderGlanceConf(cloud, infra, { dbPassword: placeholder("glance-db"), keystonePassword: placeholder("glance-keystone") }));
}

export interface GlanceManifests {
    dbSync: Manifest;
    api: Manifest[];
    /** The file store's claim; absent with RBD. */
    imagesClaim?: Manifest;
}

export function renderGlance(cloud: ResolvedCloud, infra: InfraEndpoints, instance: string, fileStoreSize = "20Gi"): GlanceManifests {
    const n = glanceNames();
    const image = imageFor(cloud.images, cloud.release, "glance");
    const hash = glanceConfigHash(cloud, infra);
    const conf = "/etc/glance/glance-api.conf";
    const files = [{ key: "glance-api.conf", path: conf }];
    const svc = cloud.compute.glance;
    const rbd = svc.backend === "rbd";
    const [deployment, ...rest] = renderApiDeployment({
        cloud, service: "glance", component: "api", instance, image,
        command: ["glance-api", "--config-file", conf], port: GLANCE_PORT, replicas: svc.replicas, resources: svc.resources,
        configSecret: n.config, configFiles: files, configHash: hash, probePath: "/healthcheck",
    });
    const ceph = cephClientVolume();
    const state = rbd
        ? { volume: { name: "state", emptyDir: {} }, mount: { name: "state", mountPath: "/var/lib/glance" } }
        : { volume: { name: "state", persistentVolumeClaim: { claimName: n.imagesClaim } }, mount: { name: "state", mountPath: "/var/lib/glance" } };
    addPodVolumes(deployment, rbd ? [state.volume, ceph.volume] : [state.volume], rbd ? [state.mount, ceph.mount] : [state.mount]);
    if (!rbd) {
        // One pod at a time on a ReadWriteOnce claim: a surge pod on another node would never start.
        (deployment.spec as Record<string, unknown>).strategy = { type: "Recreate" };
    }
    return {
        dbSync: renderJob({
            cloud, service: "glance", job: "db-sync", instance, image, configHash: hash,
            command: ["glance-manage", "--config-file", conf, "db_sync"], configSecret: n.config, configFiles: files,
        }),
        api: [deployment, ...rest],
        imagesClaim: rbd ? undefined : {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: n.imagesClaim, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("glance", "images", instance).labels },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: fileStoreSize } } },
        },
    };
}
