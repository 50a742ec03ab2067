import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "../lib/render/k8s";
import { ServiceRegistration, renderKeystoneRegistration } from "../lib/render/keystone";
import { resolved } from "./base";
import { applyManifest } from "./k8s";
import { Keystone } from "./keystone";
import { MariaDb, MariaDbDatabase } from "./mariadb";
import { RabbitMq, RabbitMqVhost } from "./rabbitmq";
import { generatedPassword } from "./secrets";
import { CloudSpec } from "../lib/spec";

export interface ServiceDepsArgs {
    spec: CloudSpec;
    mariadb: MariaDb;
    keystone: Keystone;
    rabbitmq?: RabbitMq;
    /** Databases the service owns, e.g. `["nova_api", "nova", "nova_cell0"]`. */
    databases: string[];
    /** Database user shared by those databases. Default: the first database name. */
    databaseUser?: string;
    /** RabbitMQ vhost (and user) of the service. */
    vhost?: string;
    /** Keystone service user, e.g. `neutron`. */
    keystoneUser: string;
    /** Catalog registration; omit for services without an endpoint (agents, conductor). */
    registration?: Omit<ServiceRegistration, "user" | "userSecret">;
}

export interface ServiceDeps {
    databases: Record<string, MariaDbDatabase>;
    vhost?: RabbitMqVhost;
    /** Keystone password of the service user (a Pulumi secret). */
    keystonePassword: pulumi.Output<string>;
    keystoneSecretName: string;
    /** Everything a db-sync Job or API must wait for. */
    waitFor: pulumi.Resource[];
}

/**
 * What every OpenStack service needs before its db-sync: its databases and user, its RabbitMQ vhost and user, its
 * Keystone user with a generated password, and its catalog entry. Children are parented to `parent`.
 */
export function provisionService(parent: pulumi.ComponentResource, name: string, args: ServiceDepsArgs): ServiceDeps {
    const cloud = resolved(args.spec);
    const user = args.databaseUser ?? args.databases[0];
    const databases: Record<string, MariaDbDatabase> = {};
    for (const db of args.databases) {
        databases[db] = new MariaDbDatabase(`${name}-db-${db.replace(/_/g, "-")}`, {
            spec: args.spec, server: args.mariadb, database: db, user,
        }, { parent });
    }
    const vhost = args.vhost && args.rabbitmq
        ? new RabbitMqVhost(`${name}-mq`, { spec: args.spec, server: args.rabbitmq, vhost: args.vhost }, { parent })
        : undefined;
    const pw = generatedPassword(`${name}-keystone-password`, parent);
    const keystoneSecretName = `${args.keystoneUser}-keystone`;
    const ksSecret = new k8s.core.v1.Secret(`${name}-keystone-secret`, {
        metadata: { name: keystoneSecretName, namespace: cloud.namespaces.controlPlane, labels: workloadLabels(args.keystoneUser, "keystone-user", name).labels },
        stringData: { password: pw.result, user: args.keystoneUser },
    }, { parent });
    const waitFor: pulumi.Resource[] = [...Object.values(databases).map((d) => d.job), ...(vhost ? [vhost.job] : []), ksSecret];
    if (args.registration) {
        waitFor.push(applyManifest(name, renderKeystoneRegistration(cloud, name, {
            ...args.registration, user: args.keystoneUser, userSecret: keystoneSecretName,
        }), { parent, dependsOn: [ksSecret, ...args.keystone.ready] }));
    }
    return { databases, vhost, keystonePassword: pulumi.secret(pw.result), keystoneSecretName, waitFor };
}
