import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { adminOpenrc, keystoneEndpoints, keystoneNames, renderKeystone, renderKeystoneConf } from "../lib/render/keystone";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { MariaDb, MariaDbDatabase } from "./mariadb";
import { Memcached } from "./memcached";
import { fernetKey, generatedPassword } from "./secrets";

export interface KeystoneArgs extends SpecArgs {
    mariadb: MariaDb;
    memcached: Memcached;
}

export interface AdminCredentials {
    authUrl: string;
    username: string;
    password: string;
    projectName: string;
    userDomainName: string;
    projectDomainName: string;
    region: string;
}

/**
 * Keystone, the identity service: the API behind a Service, Fernet and credential keys as Secrets, and the db-sync
 * and bootstrap Jobs, which run in that order before the API starts.
 */
export class Keystone extends pulumi.ComponentResource {
    readonly internalUrl: pulumi.Output<string>;
    readonly publicUrl: pulumi.Output<string>;
    readonly region: pulumi.Output<string>;
    /** Secret with the admin user's `OS_*` variables. */
    readonly adminSecretName: pulumi.Output<string>;
    /** The admin credentials, as a Pulumi secret. */
    readonly adminCredentials: pulumi.Output<AdminCredentials>;
    /** What a service registration must wait for: bootstrap done and the API up. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: KeystoneArgs, opts?: Opts) {
        super(typeToken("Keystone"), name, {}, opts);
        const cloud = resolved(args.spec);
        const n = keystoneNames();
        const ns = cloud.namespaces.controlPlane;
        const infra = infraEndpoints(cloud);
        const labels = workloadLabels("keystone", "api", name).labels;
        const secret = (suffix: string, secretName: string, data: Record<string, pulumi.Input<string>>) =>
            new k8s.core.v1.Secret(`${name}-${suffix}`, { metadata: { name: secretName, namespace: ns, labels }, stringData: data }, { parent: this });

        const db = new MariaDbDatabase(`${name}-db`, { spec: args.spec, server: args.mariadb, database: "keystone" }, { parent: this });
        const adminPassword = generatedPassword(`${name}-admin-password`, this);
        const adminEnv = adminPassword.result.apply((pw) => adminOpenrc(cloud, pw));
        const admin = secret("admin", n.admin, Object.fromEntries(Object.keys(adminOpenrc(cloud, "")).map((k) => [k, adminEnv.apply((e) => e[k])])));
        const fernet = secret("fernet-keys", n.fernetKeys, { "0": fernetKey(`${name}-fernet-0`, this), "1": fernetKey(`${name}-fernet-1`, this) });
        const credential = secret("credential-keys", n.credentialKeys, { "0": fernetKey(`${name}-credential-0`, this), "1": fernetKey(`${name}-credential-1`, this) });
        const config = secret("etc", n.config, {
            "keystone.conf": db.password.apply((pw) => renderKeystoneConf(cloud, infra, { dbPassword: pw })),
        });

        const m = renderKeystone(cloud, infra, name);
        const dbSync = applyManifest(name, m.dbSync, { parent: this, dependsOn: [db.job, config, fernet, credential] });
        const bootstrap = applyManifest(name, m.bootstrap, { parent: this, dependsOn: [dbSync, admin] });
        const api = applyManifests(name, m.api, { parent: this, dependsOn: [bootstrap, fernet, credential, args.memcached] });

        const ep = keystoneEndpoints(cloud);
        this.internalUrl = pulumi.output(ep.internalUrl);
        this.publicUrl = pulumi.output(ep.publicUrl);
        this.region = pulumi.output(ep.region);
        this.adminSecretName = admin.metadata.name;
        this.adminCredentials = pulumi.secret(adminPassword.result.apply((pw) => ({
            authUrl: ep.internalUrl,
            username: cloud.keystone.adminUser,
            password: pw,
            projectName: cloud.keystone.adminProject,
            userDomainName: "Default",
            projectDomainName: "Default",
            region: ep.region,
        })));
        this.ready = [bootstrap, ...api.filter((r) => r instanceof k8s.apps.v1.Deployment)];
        this.registerOutputs({
            internalUrl: this.internalUrl,
            publicUrl: this.publicUrl,
            region: this.region,
            adminSecretName: this.adminSecretName,
            adminCredentials: this.adminCredentials,
        });
    }
}
