import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "../lib/render/k8s";
import { MARIADB_PORT, mariadbHost, mariadbNames, renderDatabaseJob, renderMariaDb } from "../lib/render/mariadb";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { generatedPassword } from "./secrets";

export type MariaDbArgs = SpecArgs;

/** MariaDB Galera for every OpenStack database: an odd-sized StatefulSet on control-plane nodes. */
export class MariaDb extends pulumi.ComponentResource {
    /** Client Service host. */
    readonly host: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    /** Secret with the root `password`. */
    readonly rootSecretName: pulumi.Output<string>;
    readonly replicas: pulumi.Output<number>;
    /** The StatefulSet, for dependents to wait on. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: MariaDbArgs, opts?: Opts) {
        super(typeToken("MariaDb"), name, {}, opts);
        const cloud = resolved(args.spec);
        const n = mariadbNames();
        const ns = cloud.namespaces.controlPlane;
        const root = generatedPassword(`${name}-root`, this);
        const rootSecret = new k8s.core.v1.Secret(`${name}-${n.rootSecret}`, {
            metadata: { name: n.rootSecret, namespace: ns, labels: workloadLabels("mariadb", "database", name).labels },
            stringData: { password: root.result },
        }, { parent: this });
        const objects = applyManifests(name, renderMariaDb(cloud, name), { parent: this, dependsOn: [rootSecret] });
        this.ready = objects.filter((o) => o instanceof k8s.apps.v1.StatefulSet);
        this.host = pulumi.output(mariadbHost(cloud));
        this.port = pulumi.output(MARIADB_PORT);
        this.rootSecretName = rootSecret.metadata.name;
        this.replicas = pulumi.output(cloud.infrastructure.mariadb.replicas);
        this.registerOutputs({ host: this.host, port: this.port, rootSecretName: this.rootSecretName, replicas: this.replicas });
    }
}

export interface MariaDbDatabaseArgs extends SpecArgs {
    /** The server. The database Job waits for it. */
    server: MariaDb;
    /** Database name, e.g. `neutron`. */
    database: string;
    /** User name. Default: the database name. */
    user?: string;
}

/** One service's database and user, with a generated password kept as a Pulumi secret and a Kubernetes Secret. */
export class MariaDbDatabase extends pulumi.ComponentResource {
    readonly database: pulumi.Output<string>;
    readonly user: pulumi.Output<string>;
    /** Secret holding `password`. */
    readonly secretName: pulumi.Output<string>;
    /** The generated password (a Pulumi secret). */
    readonly password: pulumi.Output<string>;
    /** The Job that creates the database; dependents wait on it. */
    readonly job: pulumi.Resource;

    constructor(name: string, args: MariaDbDatabaseArgs, opts?: Opts) {
        super(typeToken("MariaDbDatabase"), name, {}, opts);
        const cloud = resolved(args.spec);
        const user = args.user ?? args.database;
        const secretName = `${args.database.replace(/_/g, "-")}-db`;
        const pw = generatedPassword(`${name}-password`, this);
        const secret = new k8s.core.v1.Secret(`${name}-secret`, {
            metadata: { name: secretName, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("mariadb", "database", name).labels },
            stringData: { password: pw.result, user, database: args.database },
        }, { parent: this });
        this.job = applyManifest(name, renderDatabaseJob(cloud, name, args.database, user, secretName), {
            parent: this,
            dependsOn: [secret, ...args.server.ready],
        });
        this.database = pulumi.output(args.database);
        this.user = pulumi.output(user);
        this.secretName = secret.metadata.name;
        this.password = pulumi.secret(pw.result);
        this.registerOutputs({ database: this.database, user: this.user, secretName: this.secretName });
    }
}
