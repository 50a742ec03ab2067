import * as pulumi from "@pulumi/pulumi";
import { CloudSpec, ResolvedCloud } from "../lib/spec";
import { Keystone } from "./keystone";
import { MariaDb } from "./mariadb";
import { Memcached } from "./memcached";
import { Namespaces } from "./namespaces";
import { NodePool } from "./nodePool";
import { RabbitMq } from "./rabbitmq";

/** What `Cloud` has built before the networking and compute parts are added. */
export interface CloudContext {
    name: string;
    parent: pulumi.ComponentResource;
    spec: CloudSpec;
    cloud: ResolvedCloud;
    namespaces: Namespaces;
    nodePools: NodePool[];
    mariadb: MariaDb;
    rabbitmq: RabbitMq;
    memcached: Memcached;
    keystone: Keystone;
}
