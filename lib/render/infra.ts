import { ResolvedCloud } from "../spec/resolved";
import { MARIADB_PORT, mariadbHost } from "./mariadb";
import { memcachedServers } from "./memcached";
import { InfraEndpoints } from "./openstack";
import { AMQP_PORT, rabbitmqHosts } from "./rabbitmq";

/** Where the shared infrastructure answers. Derived from the spec alone, so render functions need no Pulumi outputs. */
export function infraEndpoints(cloud: ResolvedCloud): InfraEndpoints {
    return {
        database: { host: mariadbHost(cloud), port: MARIADB_PORT },
        messaging: { hosts: rabbitmqHosts(cloud), port: AMQP_PORT },
        memcached: memcachedServers(cloud),
    };
}
