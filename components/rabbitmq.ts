import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "../lib/render/k8s";
import { AMQP_PORT, rabbitmqHosts, rabbitmqNames, renderRabbitAdminConf, renderRabbitMq, renderVhostJob } from "../lib/render/rabbitmq";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { generatedPassword } from "./secrets";

export type RabbitMqArgs = SpecArgs;

/** RabbitMQ, the RPC bus: a clustered StatefulSet with Kubernetes peer discovery and quorum queues, no `guest` user. */
export class RabbitMq extends pulumi.ComponentResource {
    /** Member host names for `transport_url`. */
    readonly hosts: pulumi.Output<string[]>;
    readonly port: pulumi.Output<number>;
    readonly adminSecretName: pulumi.Output<string>;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: RabbitMqArgs, opts?: Opts) {
        super(typeToken("RabbitMq"), name, {}, opts);
        const cloud = resolved(args.spec);
        const n = rabbitmqNames();
        const admin = generatedPassword(`${name}-admin`, this);
        const cookie = generatedPassword(`${name}-erlang-cookie`, this);
        const secret = new k8s.core.v1.Secret(`${name}-${n.adminSecret}`, {
            metadata: { name: n.adminSecret, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("rabbitmq", "messaging", name).labels },
            stringData: {
                "admin-username": "oskube-admin",
                "admin-password": admin.result,
                "erlang-cookie": cookie.result,
                "20-admin.conf": admin.result.apply((p) => renderRabbitAdminConf("oskube-admin", p)),
            },
        }, { parent: this });
        const objects = applyManifests(name, renderRabbitMq(cloud, name), { parent: this, dependsOn: [secret] });
        this.ready = objects.filter((o) => o instanceof k8s.apps.v1.StatefulSet);
        this.hosts = pulumi.output(rabbitmqHosts(cloud));
        this.port = pulumi.output(AMQP_PORT);
        this.adminSecretName = secret.metadata.name;
        this.registerOutputs({ hosts: this.hosts, port: this.port, adminSecretName: this.adminSecretName });
    }
}

export interface RabbitMqVhostArgs extends SpecArgs {
    server: RabbitMq;
    /** vhost name, e.g. `neutron`. */
    vhost: string;
    /** User name. Default: the vhost name. */
    user?: string;
}

/** One service's vhost (quorum queues by default) and user, with a generated password. */
export class RabbitMqVhost extends pulumi.ComponentResource {
    readonly vhost: pulumi.Output<string>;
    readonly user: pulumi.Output<string>;
    readonly secretName: pulumi.Output<string>;
    readonly password: pulumi.Output<string>;
    readonly job: pulumi.Resource;

    constructor(name: string, args: RabbitMqVhostArgs, opts?: Opts) {
        super(typeToken("RabbitMqVhost"), name, {}, opts);
        const cloud = resolved(args.spec);
        const user = args.user ?? args.vhost;
        const secretName = `${args.vhost}-rabbitmq`;
        const pw = generatedPassword(`${name}-password`, this);
        const secret = new k8s.core.v1.Secret(`${name}-secret`, {
            metadata: { name: secretName, namespace: cloud.namespaces.controlPlane, labels: workloadLabels("rabbitmq", "messaging", name).labels },
            stringData: { password: pw.result, user, vhost: args.vhost },
        }, { parent: this });
        this.job = applyManifest(name, renderVhostJob(cloud, name, args.vhost, user, secretName), {
            parent: this,
            dependsOn: [secret, ...args.server.ready],
        });
        this.vhost = pulumi.output(args.vhost);
        this.user = pulumi.output(user);
        this.secretName = secret.metadata.name;
        this.password = pulumi.secret(pw.result);
        this.registerOutputs({ vhost: this.vhost, user: this.user, secretName: this.secretName });
    }
}
