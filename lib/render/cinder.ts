/** Cinder with the Ceph RBD backend: cinder.conf, the api, scheduler and volume Deployments, and db-sync. Pure. */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ResolvedCloud } from "../spec/resolved";
import { CEPH_CONF_DIR, CINDER_CEPH_USER, cephClientVolume, rbdSecretUuid } from "./ceph";
import { Manifest } from "./k8s";
import { keystoneEndpoints } from "./keystone";
import { addPodVolumes, uwsgiCommand } from "./nova";
import {
    InfraEndpoints,
    authtokenSection,
    databaseUrl,
    internalUrl,
    placeholder,
    rabbitOptions,
    renderApiDeployment,
    renderJob,
    transportUrl,
    renderWorkerDeployment,
} from "./openstack";
import { mergeOslo, renderOsloIni } from "./oslo-ini";

export const CINDER_PORT = 8776;
export const RBD_BACKEND = "rbd1";

export function cinderNames() {
    return { api: "cinder-api", config: "cinder-etc", database: "cinder", vhost: "cinder", keystoneUser: "cinder" };
}

export function cinderUrl(cloud: ResolvedCloud): string {
    return internalUrl(cloud, cinderNames().api, CINDER_PORT, "/v3/%(project_id)s");
}

export interface CinderSecrets {
    dbPassword: string;
    mqPassword: string;
    keystonePassword: string;
}

export function renderCinderConf(cloud: ResolvedCloud, infra: InfraEndpoints, s: CinderSecrets): string {
    const n = cinderNames();
    return renderOsloIni(mergeOslo({
        DEFAULT: {
            use_stderr: true,
            debug: false,
            transport_url: transportUrl(infra.messaging, n.vhost, s.mqPassword, n.vhost),
            enabled_backends: RBD_BACKEND,
            default_volume_type: RBD_BACKEND,
            auth_strategy: "keystone",
            osapi_volume_workers: 2,
            state_path: "/var/lib/cinder",
        },
        database: { connection: databaseUrl(infra.database, n.database, n.database, s.dbPassword), max_retries: -1 },
        keystone_authtoken: authtokenSection(keystoneEndpoints(cloud), infra.memcached, n.keystoneUser, s.keystonePassword),
        [RBD_BACKEND]: {
            volume_driver: "cinder.volume.drivers.rbd.RBDDriver",
            volume_backend_name: RBD_BACKEND,
            rbd_pool: cloud.compute.storage.pools.volumes,
            rbd_ceph_conf: `${CEPH_CONF_DIR}/ceph.conf`,
            rbd_user: CINDER_CEPH_USER,
            rbd_secret_uuid: rbdSecretUuid(cloud),
            rbd_flatten_volume_from_snapshot: false,
            // One host name for every volume pod: RBD is shared storage, so any replica may serve any volume.
            backend_host: "cinder-volume-rbd",
        },
        oslo_concurrency: { lock_path: "/var/lib/cinder/tmp" },
        oslo_policy: { enforce_new_defaults: true },
        oslo_middleware: { enable_proxy_headers_parsing: true },
        ...rabbitOptions(),
    }, cloud.compute.cinder.configOverrides));
}

export const CINDER_PLACEHOLDERS: CinderSecrets = {
    dbPassword: placeholder("cinder-db"),
    mqPassword: placeholder("cinder-mq"),
    keystonePassword: placeholder("cinder-keystone"),
};

export interface CinderManifests {
    dbSync: Manifest;
    api: Manifest[];
    scheduler: Manifest[];
    volume: Manifest[];
}

export function renderCinder(cloud: ResolvedCloud, infra: InfraEndpoints, instance: string): CinderManifests {
    const n = cinderNames();
    const image = imageFor(cloud.images, cloud.release, "cinder");
    const hash = configHash(renderCinderConf(cloud, infra, CINDER_PLACEHOLDERS));
    const conf = "/etc/cinder/cinder.conf";
    const files = [{ key: "cinder.conf", path: conf }];
    const svc = cloud.compute.cinder;
    const ceph = cephClientVolume();
    const state = { volume: { name: "state", emptyDir: {} }, mount: { name: "state", mountPath: "/var/lib/cinder" } };
    const worker = (component: string, replicas: number) => renderWorkerDeployment({
        cloud, service: "cinder", component, instance, image, command: [`cinder-${component}`, "--config-file", conf],
        replicas, resources: svc.resources, configSecret: n.config, configFiles: files, configHash: hash,
    });
    const volume = worker("volume", svc.replicas);
    addPodVolumes(volume[0], [ceph.volume], [ceph.mount]);
    const api = renderApiDeployment({
        cloud, service: "cinder", component: "api", instance, image, command: uwsgiCommand(CINDER_PORT, "cinder.wsgi.api:application"),
        port: CINDER_PORT, replicas: svc.replicas, resources: svc.resources, configSecret: n.config, configFiles: files, configHash: hash,
        probePath: "/",
    });
    addPodVolumes(api[0], [state.volume], [state.mount]);
    return {
        dbSync: renderJob({
            cloud, service: "cinder", job: "db-sync", instance, image, configHash: hash,
            command: ["cinder-manage", "--config-file", conf, "db", "sync"], configSecret: n.config, configFiles: files,
        }),
        api,
        scheduler: worker("scheduler", svc.replicas),
        volume,
    };
}
