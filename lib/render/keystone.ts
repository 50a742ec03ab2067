/** Keystone: keystone.conf, the API, db-sync and bootstrap Jobs, and the registration Job other services use. */
import { configHash } from "../hash";
import { imageFor } from "../images";
import { ResolvedCloud } from "../spec/resolved";
import { Manifest } from "./k8s";
import { InfraEndpoints, KeystoneEndpoints, databaseUrl, internalUrl, placeholder, renderApiDeployment, renderJob } from "./openstack";
import { mergeOslo, renderOsloIni } from "./oslo-ini";

export const KEYSTONE_PORT = 5000;

export function keystoneNames() {
    return {
        api: "keystone-api",
        config: "keystone-etc",
        fernetKeys: "keystone-fernet-keys",
        credentialKeys: "keystone-credential-keys",
        /** `OS_*` variables of the admin user; also what other services' registration Jobs use. */
        admin: "keystone-admin",
        dbUser: "keystone-db",
    };
}

export function keystoneEndpoints(cloud: ResolvedCloud): KeystoneEndpoints {
    const internal = internalUrl(cloud, keystoneNames().api, KEYSTONE_PORT, "/v3");
    const publicBase = cloud.keystone.publicUrl?.replace(/\/+$/, "");
    return { internalUrl: internal, publicUrl: publicBase ? `${publicBase}/v3` : internal, region: cloud.keystone.region };
}

export interface KeystoneSecrets {
    dbPassword: string;
}

/** keystone.conf. Call it with `placeholder` secrets for hashing, and with real ones inside an apply. */
export function renderKeystoneConf(cloud: ResolvedCloud, infra: InfraEndpoints, secrets: KeystoneSecrets): string {
    return renderOsloIni(mergeOslo({
        DEFAULT: { use_stderr: true, debug: false },
        database: { connection: databaseUrl(infra.database, "keystone", "keystone", secrets.dbPassword), max_retries: -1, connection_recycle_time: 600 },
        cache: { enabled: true, backend: "dogpile.cache.pymemcache", memcache_servers: infra.memcached },
        token: { provider: "fernet", expiration: cloud.keystone.tokenExpiration },
        fernet_tokens: { key_repository: "/etc/keystone/fernet-keys/", max_active_keys: 3 },
        credential: { key_repository: "/etc/keystone/credential-keys/" },
        oslo_middleware: { enable_proxy_headers_parsing: true },
        oslo_policy: { enforce_new_defaults: true },
    }, cloud.keystone.configOverrides));
}

export function keystoneConfigHash(cloud: ResolvedCloud, infra: InfraEndpoints): string {
    return configHash(renderKeystoneConf(cloud, infra, { dbPassword: placeholder("keystone-db") }));
}

export interface KeystoneManifests {
    dbSync: Manifest;
    bootstrap: Manifest;
    api: Manifest[];
}

export function renderKeystone(cloud: ResolvedCloud, infra: InfraEndpoints, instance: string): KeystoneManifests {
    const n = keystoneNames();
    const image = imageFor(cloud.images, cloud.release, "keystone");
    const hash = keystoneConfigHash(cloud, infra);
    const files = [{ key: "keystone.conf", path: "/etc/keystone/keystone.conf" }];
    const ep = keystoneEndpoints(cloud);
    const base = ep.internalUrl.replace(/\/v3$/, "");
    const pub = ep.publicUrl.replace(/\/v3$/, "");
    const ks = cloud.keystone;
    return {
        dbSync: renderJob({
            cloud, service: "keystone", job: "db-sync", instance, image, configHash: hash,
            command: ["keystone-manage", "--config-file", "/etc/keystone/keystone.conf", "db_sync"],
            configSecret: n.config, configFiles: files,
        }),
        bootstrap: renderJob({
            cloud, service: "keystone", job: "bootstrap", instance, image, configHash: hash,
            command: ["/bin/sh", "-ec", [
                "keystone-manage --config-file /etc/keystone/keystone.conf bootstrap",
                '--bootstrap-password "$OS_PASSWORD"',
                `--bootstrap-username ${ks.adminUser}`,
                `--bootstrap-project-name ${ks.adminProject}`,
                "--bootstrap-role-name admin",
                "--bootstrap-service-name keystone",
                `--bootstrap-region-id ${ks.region}`,
                `--bootstrap-admin-url ${base}`,
                `--bootstrap-internal-url ${base}`,
                `--bootstrap-public-url ${pub}`,
            ].join(" ")],
            configSecret: n.config, configFiles: files,
            secretEnv: [{ name: "OS_PASSWORD", secret: n.admin, key: "OS_PASSWORD" }],
        }),
        api: renderApiDeployment({
            cloud, service: "keystone", component: "api", instance, image,
            command: ["uwsgi", "--http-socket", `:${KEYSTONE_PORT}`, "--module", "keystone.wsgi.api:application",
                "--master", "--processes", "2", "--threads", "2", "--die-on-term", "--enable-threads"],
            port: KEYSTONE_PORT, replicas: ks.replicas, resources: ks.resources,
            configSecret: n.config, configFiles: files, configHash: hash, probePath: "/v3",
            secretMounts: [
                { secret: n.fernetKeys, path: "/etc/keystone/fernet-keys" },
                { secret: n.credentialKeys, path: "/etc/keystone/credential-keys" },
            ],
        }),
    };
}

/** The admin user's `OS_*` environment, as stored in the admin Secret. */
export function adminOpenrc(cloud: ResolvedCloud, password: string): Record<string, string> {
    const ep = keystoneEndpoints(cloud);
    return {
        OS_AUTH_URL: ep.internalUrl,
        OS_USERNAME: cloud.keystone.adminUser,
        OS_PASSWORD: password,
        OS_PROJECT_NAME: cloud.keystone.adminProject,
        OS_USER_DOMAIN_NAME: "Default",
        OS_PROJECT_DOMAIN_NAME: "Default",
        OS_REGION_NAME: cloud.keystone.region,
        OS_IDENTITY_API_VERSION: "3",
        OS_INTERFACE: "internal",
    };
}

export interface ServiceRegistration {
    /** Service user, e.g. `neutron`. */
    user: string;
    /** Secret holding the user's `password`. */
    userSecret: string;
    /** Catalog service name and type, e.g. `neutron` / `network`. */
    serviceName: string;
    serviceType: string;
    /** Endpoint URLs. */
    internalUrl: string;
    publicUrl: string;
    /** Extra roles of the user in the service project (besides `admin`). */
    extraRoles?: string[];
}

/**
 * A Job that registers a service in Keystone idempotently: the `service` project, the service user (password reset to
 * the current one), its admin role, the catalog entry and the public, internal and admin endpoints.
 */
export function renderKeystoneRegistration(cloud: ResolvedCloud, instance: string, r: ServiceRegistration): Manifest {
    const region = cloud.keystone.region;
    const roles = ["admin", "service", ...(r.extraRoles ?? [])];
    const endpoint = (iface: string, url: string) => [
        `if ! openstack endpoint list --service ${r.serviceName} --interface ${iface} --region ${region} -f value -c ID | grep -q .; then`,
        `  openstack endpoint create --region ${region} ${r.serviceName} ${iface} '${url}'`,
        "else",
        `  openstack endpoint set --url '${url}' $(openstack endpoint list --service ${r.serviceName} --interface ${iface} --region ${region} -f value -c ID)`,
        "fi",
    ].join("\n");
    const script = [
        "set -e",
        "openstack project show service >/dev/null 2>&1 || openstack project create --domain default --description 'Service project' service",
        ...roles.map((role) => `openstack role show ${role} >/dev/null 2>&1 || openstack role create ${role}`),
        `openstack user create --domain default --or-show --password "$SERVICE_PASSWORD" ${r.user} >/dev/null`,
        `openstack user set --password "$SERVICE_PASSWORD" ${r.user}`,
        ...roles.map((role) => `openstack role add --project service --user ${r.user} ${role}`),
        `openstack service show ${r.serviceName} >/dev/null 2>&1 || openstack service create --name ${r.serviceName} ${r.serviceType}`,
        endpoint("public", r.publicUrl),
        endpoint("internal", r.internalUrl),
        endpoint("admin", r.internalUrl),
    ].join("\n");
    const n = keystoneNames();
    const envKeys = Object.keys(adminOpenrc(cloud, ""));
    return renderJob({
        cloud, service: r.user, job: "ks-register", instance,
        image: imageFor(cloud.images, cloud.release, "heat"),
        command: ["/bin/bash", "-c", script],
        secretEnv: [
            ...envKeys.map((k) => ({ name: k, secret: n.admin, key: k })),
            { name: "SERVICE_PASSWORD", secret: r.userSecret, key: "password" },
        ],
    });
}
