import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { infraEndpoints } from "../lib/render/infra";
import { workloadLabels } from "../lib/render/k8s";
import { NovaWiring, cell0Connection, defaultNeutronUrl, novaEndpoints, novaNames, renderNova, renderNovaConf } from "../lib/render/nova";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifest, applyManifests } from "./k8s";
import { Keystone } from "./keystone";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { Placement } from "./placement";
import { RabbitMq } from "./rabbitmq";
import { generatedPassword } from "./secrets";
import { provisionService } from "./serviceDeps";

export interface NovaArgs extends SpecArgs {
    mariadb: MariaDb;
    rabbitmq: RabbitMq;
    memcached: Memcached;
    keystone: Keystone;
    placement: Placement;
    /** Neutron's in-cluster API URL. Default: the `neutron-server` Service on port 9696 in the control-plane namespace. */
    neutronUrl?: string;
    /**
     * The metadata proxy shared secret of Neutron's metadata agent. Default: Nova generates one and exposes it as
     * `metadataProxySecret`, to be handed to the metadata agent.
     */
    metadataProxySecret?: pulumi.Input<string>;
}

/** What a compute pool needs from Nova to render nova-compute's config in the data-plane namespace. */
export interface NovaComputeCredentials {
    mqPassword: string;
    keystonePassword: string;
}

/**
 * Nova's control plane: api, metadata API, scheduler, conductor and novncproxy. Before any of them start, four Jobs
 * run in order: api_db sync, map_cell0, create cell1 (skipped when it exists) and the cell db sync. Host discovery
 * runs per compute pool after its hypervisors are up, and every ten minutes from a CronJob.
 */
export class Nova extends pulumi.ComponentResource {
    readonly apiUrl: pulumi.Output<string>;
    /** Host and port of the metadata API, for Neutron's metadata agent (`nova_metadata_host`). */
    readonly metadataHost: pulumi.Output<string>;
    readonly metadataPort: pulumi.Output<number>;
    readonly novncproxyUrl: pulumi.Output<string>;
    readonly neutronUrl: pulumi.Output<string>;
    /** The metadata proxy shared secret in use (a Pulumi secret). */
    readonly metadataProxySecret: pulumi.Output<string>;
    /** Credentials nova-compute needs (a Pulumi secret). */
    readonly computeCredentials: pulumi.Output<NovaComputeCredentials>;
    /** The neutron URL as a plain value, for rendering nova-compute's config hash. */
    readonly wiring: NovaWiring;
    /** The cells exist and the control plane runs: what nova-compute waits for. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: NovaArgs, opts?: Opts) {
        super(typeToken("Nova"), name, {}, opts);
        const cloud = resolved(args.spec);
        const infra = infraEndpoints(cloud);
        const n = novaNames();
        const ns = cloud.namespaces.controlPlane;
        const ep = novaEndpoints(cloud);
        const wiring: NovaWiring = { neutronUrl: args.neutronUrl ?? defaultNeutronUrl(cloud) };
        const deps = provisionService(this, name, {
            spec: args.spec, mariadb: args.mariadb, rabbitmq: args.rabbitmq, keystone: args.keystone,
            databases: n.databases, vhost: n.vhost, keystoneUser: n.keystoneUser,
            registration: { serviceName: "nova", serviceType: "compute", internalUrl: ep.apiUrl, publicUrl: ep.apiUrl },
        });
        const labels = workloadLabels("nova", "config", name).labels;
        let metadataSecret: pulumi.Output<string>;
        const extra: pulumi.Resource[] = [];
        if (args.metadataProxySecret !== undefined) {
            metadataSecret = pulumi.secret(pulumi.output(args.metadataProxySecret));
        } else {
            metadataSecret = pulumi.secret(generatedPassword(`${name}-metadata-proxy`, this).result);
            extra.push(new k8s.core.v1.Secret(`${name}-metadata-proxy`, {
                metadata: { name: n.metadataSecret, namespace: ns, labels }, stringData: { secret: metadataSecret },
            }, { parent: this }));
        }
        const pw = (db: string) => deps.databases[db].password;
        const config = new k8s.core.v1.Secret(`${name}-etc`, {
            metadata: { name: n.config, namespace: ns, labels },
            stringData: pulumi.all([pw("nova_api"), pw("nova"), pw("nova_cell0"), deps.vhost!.password, deps.keystonePassword, metadataSecret])
                .apply(([apiDb, db, cell0, mq, ks, meta]) => ({
                    "nova.conf": renderNovaConf(cloud, infra, wiring, {
                        apiDbPassword: apiDb, dbPassword: db, cell0DbPassword: cell0, mqPassword: mq, keystonePassword: ks, metadataSecret: meta,
                    }),
                    "cell0-connection": cell0Connection(infra, cell0),
                })),
        }, { parent: this });

        const m = renderNova(cloud, infra, wiring, name);
        let previous: pulumi.Resource[] = [config, ...extra, ...deps.waitFor];
        for (const job of m.cellJobs) {
            previous = [applyManifest(name, job, { parent: this, dependsOn: previous })];
        }
        const after = { parent: this, dependsOn: [...previous, args.memcached, ...args.placement.ready] };
        const workloads = [...m.api, ...m.metadata, ...m.scheduler, ...m.conductor, ...m.novncproxy];
        const created = applyManifests(name, workloads, after);
        new k8s.batch.v1.CronJob(`${name}-${m.discoverHostsCron.metadata.name}`, {
            metadata: m.discoverHostsCron.metadata,
            spec: m.discoverHostsCron.spec as k8s.types.input.batch.v1.CronJobSpec,
        }, after);

        this.apiUrl = pulumi.output(ep.apiUrl);
        this.metadataHost = pulumi.output(ep.metadataHost);
        this.metadataPort = pulumi.output(ep.metadataPort);
        this.novncproxyUrl = pulumi.output(ep.novncproxyBaseUrl);
        this.neutronUrl = pulumi.output(wiring.neutronUrl);
        this.metadataProxySecret = metadataSecret;
        this.computeCredentials = pulumi.secret(pulumi.all([deps.vhost!.password, deps.keystonePassword])
            .apply(([mq, ks]) => ({ mqPassword: mq, keystonePassword: ks })));
        this.wiring = wiring;
        this.ready = [...previous, ...created.filter((r) => r instanceof k8s.apps.v1.Deployment)];
        this.registerOutputs({
            apiUrl: this.apiUrl,
            metadataHost: this.metadataHost,
            metadataPort: this.metadataPort,
            novncproxyUrl: this.novncproxyUrl,
            neutronUrl: this.neutronUrl,
            metadataProxySecret: this.metadataProxySecret,
        });
    }
}
