import * as pulumi from "@pulumi/pulumi";
import { memcachedServers, renderMemcached } from "../lib/render/memcached";
import { Opts, SpecArgs, resolved, typeToken } from "./base";
import { applyManifests } from "./k8s";

export type MemcachedArgs = SpecArgs;

/** memcached for Keystone tokens and the services' caches. */
export class Memcached extends pulumi.ComponentResource {
    /** `host:port` of every member. */
    readonly servers: pulumi.Output<string[]>;

    constructor(name: string, args: MemcachedArgs, opts?: Opts) {
        super(typeToken("Memcached"), name, {}, opts);
        const cloud = resolved(args.spec);
        applyManifests(name, renderMemcached(cloud, name), { parent: this });
        this.servers = pulumi.output(memcachedServers(cloud));
        this.registerOutputs({ servers: this.servers });
    }
}
