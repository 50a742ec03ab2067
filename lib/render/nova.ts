/**
 * Nova's control plane: nova.conf, the api, metadata, scheduler, conductor and novncproxy Deployments, and the cell
 * Jobs. Also the control-plane worker Deployment and volume helpers that Cinder shares. Pure.
 */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ResolvedCloud } from "../spec/resolved";
import {
    Manifest,
    serviceHost,
} from "./k8s";
import { keystoneEndpoints } from "./keystone";
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
import { OsloConfig, mergeOslo, renderOsloIni } from "./oslo-ini";

export const NOVA_API_PORT = 8774;
export const NOVA_METADATA_PORT = 8775;
export const NOVNCPROXY_PORT = 6080;
export const NEUTRON_SERVER_PORT = 9696;

export function novaNames() {
    return {
        config: "nova-etc",
        api: "nova-api",
        metadata: "nova-metadata",
        novncproxy: "nova-novncproxy",
        /** Databases and their users: one user per database, since each database component generates its own password. */
        databases: ["nova_api", "nova", "nova_cell0"],
        vhost: "nova",
        keystoneUser: "nova",
        /** The metadata proxy shared secret Nova generates when it is used without Neutron's. */
        metadataSecret: "nova-metadata-proxy",
    };
}

/** Neutron's URL by naming convention, for Nova used without the networking part. */
export function defaultNeutronUrl(cloud: ResolvedCloud): string {
    return internalUrl(cloud, "neutron-server", NEUTRON_SERVER_PORT);
}

export function novaEndpoints(cloud: ResolvedCloud) {
    const n = novaNames();
    return {
        apiUrl: internalUrl(cloud, n.api, NOVA_API_PORT, "/v2.1"),
        metadataHost: serviceHost(n.metadata, cloud.namespaces.controlPlane, cloud.cluster.domain),
        metadataPort: NOVA_METADATA_PORT,
        novncproxyBaseUrl: internalUrl(cloud, n.novncproxy, NOVNCPROXY_PORT, "/vnc_lite.html"),
    };
}

export interface NovaWiring {
    neutronUrl: string;
}

export interface NovaSecrets {
    apiDbPassword: string;
    dbPassword: string;
    cell0DbPassword: string;
    mqPassword: string;
    keystonePassword: string;
    metadataSecret: string;
}

export const NOVA_PLACEHOLDERS: NovaSecrets = {
    apiDbPassword: placeholder("nova-api-db"),
    dbPassword: placeholder("nova-db"),
    cell0DbPassword: placeholder("nova-cell0-db"),
    mqPassword: placeholder("nova-mq"),
    keystonePassword: placeholder("nova-keystone"),
    metadataSecret: placeholder("metadata-proxy"),
};

/**
 * Keystone auth of a service's own user. `[service_user]` takes only these (keystoneauth auth and session options);
 * client sections such as `[placement]` and `[neutron]` add the adapter options of `serviceClientSection`.
 */
export function serviceAuthSection(cloud: ResolvedCloud, user: string, password: string): Record<string, string> {
    return {
        auth_type: "password",
        auth_url: keystoneEndpoints(cloud).internalUrl,
        project_domain_name: "Default",
        user_domain_name: "Default",
        project_name: "service",
        username: user,
        password,
    };
}

/** How a service calls another service's API as its own user: auth plus the adapter's region and interface. */
export function serviceClientSection(cloud: ResolvedCloud, user: string, password: string): Record<string, string> {
    return { ...serviceAuthSection(cloud, user, password), region_name: cloud.keystone.region, valid_interfaces: "internal" };
}

/** The options Nova's control plane and nova-compute share. */
export function novaCommonConf(cloud: ResolvedCloud, infra: InfraEndpoints, wiring: NovaWiring, s: Pick<NovaSecrets, "mqPassword" | "keystonePassword">): OsloConfig {
    const n = novaNames();
    return {
        DEFAULT: {
            use_stderr: true,
            debug: false,
            transport_url: transportUrl(infra.messaging, n.vhost, s.mqPassword, n.vhost),
            state_path: "/var/lib/nova",
        },
        placement: serviceClientSection(cloud, n.keystoneUser, s.keystonePassword),
        neutron: { ...serviceClientSection(cloud, n.keystoneUser, s.keystonePassword), endpoint_override: wiring.neutronUrl },
        glance: { valid_interfaces: "internal", region_name: cloud.keystone.region },
        cinder: { catalog_info: "volumev3:cinderv3:internalURL", os_region_name: cloud.keystone.region },
        service_user: { ...serviceAuthSection(cloud, n.keystoneUser, s.keystonePassword), send_service_user_token: true },
        oslo_concurrency: { lock_path: "/var/lib/nova/tmp" },
        ...rabbitOptions(),
    };
}

export function renderNovaConf(cloud: ResolvedCloud, infra: InfraEndpoints, wiring: NovaWiring, s: NovaSecrets): string {
    const common = novaCommonConf(cloud, infra, wiring, s);
    const ep = novaEndpoints(cloud);
    const ks = keystoneEndpoints(cloud);
    return renderOsloIni(mergeOslo({
        ...common,
        api_database: { connection: databaseUrl(infra.database, "nova_api", "nova_api", s.apiDbPassword), max_retries: -1 },
        database: { connection: databaseUrl(infra.database, "nova", "nova", s.dbPassword), max_retries: -1 },
        keystone_authtoken: authtokenSection(ks, infra.memcached, novaNames().keystoneUser, s.keystonePassword),
        cache: { enabled: true, backend: "dogpile.cache.pymemcache", memcache_servers: infra.memcached },
        // The metadata API trusts Neutron's metadata agent through this shared secret; it must equal Neutron's.
        neutron: { ...common.neutron, service_metadata_proxy: true, metadata_proxy_shared_secret: s.metadataSecret },
        vnc: { enabled: true, novncproxy_host: "0.0.0.0", novncproxy_port: NOVNCPROXY_PORT, novncproxy_base_url: ep.novncproxyBaseUrl },
        scheduler: { workers: 2 },
        conductor: { workers: 2 },
        oslo_middleware: { enable_proxy_headers_parsing: true },
        oslo_policy: { enforce_new_defaults: true },
    }, cloud.compute.nova.configOverrides));
}

export function novaConfigHash(cloud: ResolvedCloud, infra: InfraEndpoints, wiring: NovaWiring): string {
    return configHash(renderNovaConf(cloud, infra, wiring, NOVA_PLACEHOLDERS));
}

/** The `map_cell0` connection, kept in the config Secret: it carries the cell0 password. */
export function cell0Connection(infra: InfraEndpoints, password: string): string {
    return databaseUrl(infra.database, "nova_cell0", "nova_cell0", password);
}

export function uwsgiCommand(port: number, module: string): string[] {
    return ["uwsgi", "--http-socket", `:${port}`, "--module", module, "--master", "--processes", "2", "--threads", "2",
        "--die-on-term", "--enable-threads", "--lazy-apps"];
}

type PodTemplateHolder = { spec: { template: { spec: { volumes?: unknown[]; containers: { volumeMounts?: unknown[] }[] } } } };

/** Adds volumes and mounts to every container of a rendered workload (a Deployment or Job). Returns the same object. */
export function addPodVolumes(m: Manifest, volumes: Record<string, unknown>[], mounts: Record<string, unknown>[]): Manifest {
    const pod = (m as unknown as PodTemplateHolder).spec.template.spec;
    pod.volumes = [...(pod.volumes ?? []), ...volumes];
    for (const c of pod.containers) {
        c.volumeMounts = [...(c.volumeMounts ?? []), ...mounts];
    }
    return m;
}

/** A scratch state directory at /var/lib/<service>: lock_path lives there, and the root filesystem is not the service's. */
function stateDir(service: string): { volume: Record<string, unknown>; mount: Record<string, unknown> } {
    return { volume: { name: "state", emptyDir: {} }, mount: { name: "state", mountPath: `/var/lib/${service}` } };
}

export interface NovaManifests {
    /** In order: api db sync → map cell0 → create cell1 → cell db sync. */
    cellJobs: Manifest[];
    api: Manifest[];
    metadata: Manifest[];
    scheduler: Manifest[];
    conductor: Manifest[];
    novncproxy: Manifest[];
    /** Host discovery every ten minutes, for compute nodes that join after their pool's own discovery Job ran. */
    discoverHostsCron: Manifest;
}

const NOVA_CONF = "/etc/nova/nova.conf";

function manage(args: string): string {
    return `nova-manage --config-file ${NOVA_CONF} ${args}`;
}

/** A Job that runs nova-manage with nova.conf and a scratch state directory. */
function novaJob(cloud: ResolvedCloud, hash: string, instance: string, jobName: string, script: string[],
    secretEnv?: { name: string; secret: string; key: string }[]): Manifest {
    const sd = stateDir("nova");
    return addPodVolumes(renderJob({
        cloud, service: "nova", job: jobName, instance, image: imageFor(cloud.images, cloud.release, "nova"), configHash: hash,
        command: ["/bin/bash", "-ec", script.join("\n")], configSecret: novaNames().config,
        configFiles: [{ key: "nova.conf", path: NOVA_CONF }], secretEnv,
    }), [sd.volume], [sd.mount]);
}

/**
 * `discover_hosts` maps the compute services that registered in cell1 to it. A compute pool runs it once its
 * hypervisors are up (job name `nova-<job>`), and Nova's CronJob repeats it for nodes that join later.
 */
export function renderDiscoverHostsJob(cloud: ResolvedCloud, infra: InfraEndpoints, wiring: NovaWiring, instance: string, job = "discover-hosts"): Manifest {
    return novaJob(cloud, novaConfigHash(cloud, infra, wiring), instance, job, [manage("cell_v2 discover_hosts --verbose")]);
}

export function renderNova(cloud: ResolvedCloud, infra: InfraEndpoints, wiring: NovaWiring, instance: string): NovaManifests {
    const names = novaNames();
    const image = imageFor(cloud.images, cloud.release, "nova");
    const hash = novaConfigHash(cloud, infra, wiring);
    const files = [{ key: "nova.conf", path: NOVA_CONF }];
    const svc = cloud.compute.nova;
    const job = (jobName: string, script: string[], secretEnv?: { name: string; secret: string; key: string }[]) =>
        novaJob(cloud, hash, instance, jobName, script, secretEnv);
    const discoverJob = renderDiscoverHostsJob(cloud, infra, wiring, instance);
    const discoverPod = (discoverJob.spec as { template: Record<string, unknown> }).template;
    const withState = (ms: Manifest[]) => {
        const sd = stateDir("nova");
        return ms.map((m) => m.kind === "Deployment" ? addPodVolumes(m, [sd.volume], [sd.mount]) : m);
    };
    const api = (component: string, port: number, module: string, probePath: string) => withState(renderApiDeployment({
        cloud, service: "nova", component, instance, image, command: uwsgiCommand(port, module), port,
        replicas: svc.replicas, resources: svc.resources, configSecret: names.config, configFiles: files, configHash: hash, probePath,
    }));
    return {
        cellJobs: [
            job("api-db-sync", [manage("api_db sync")]),
            job("cell0-map", [manage('cell_v2 map_cell0 --database_connection "$CELL0_DB"')],
                [{ name: "CELL0_DB", secret: names.config, key: "cell0-connection" }]),
            // create_cell fails on an existing cell, so the Job checks first and stays safe to rerun.
            job("cell1-create", [
                `if ${manage("cell_v2 list_cells")} | awk '{print $2}' | grep -qx cell1; then`,
                "  echo cell1 exists",
                "else",
                `  ${manage("cell_v2 create_cell --name cell1 --verbose")}`,
                "fi",
            ]),
            job("db-sync", [manage("db sync")]),
        ],
        api: api("api", NOVA_API_PORT, "nova.wsgi.osapi_compute:application", "/"),
        metadata: api("metadata", NOVA_METADATA_PORT, "nova.wsgi.metadata:application", "/"),
        scheduler: renderWorkerDeployment({
            cloud, service: "nova", component: "scheduler", instance, image, command: ["nova-scheduler", "--config-file", NOVA_CONF],
            replicas: svc.replicas, resources: svc.resources, configSecret: names.config, configFiles: files, configHash: hash,
        }),
        conductor: renderWorkerDeployment({
            cloud, service: "nova", component: "conductor", instance, image, command: ["nova-conductor", "--config-file", NOVA_CONF],
            replicas: svc.replicas, resources: svc.resources, configSecret: names.config, configFiles: files, configHash: hash,
        }),
        novncproxy: withState(renderApiDeployment({
            cloud, service: "nova", component: "novncproxy", instance, image,
            command: ["nova-novncproxy", "--config-file", NOVA_CONF, "--web", "/usr/share/novnc"], port: NOVNCPROXY_PORT,
            replicas: svc.replicas, resources: svc.resources, configSecret: names.config, configFiles: files, configHash: hash,
            probePath: "/vnc_lite.html",
        })),
        discoverHostsCron: {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "nova-discover-hosts", namespace: cloud.namespaces.controlPlane, labels: discoverJob.metadata.labels },
            spec: {
                schedule: "*/10 * * * *",
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: 1,
                failedJobsHistoryLimit: 3,
                jobTemplate: { spec: { backoffLimit: 2, template: discoverPod } },
            },
        },
    };
}
