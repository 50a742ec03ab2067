import { CloudSpec } from "../lib/spec";

/** The dev cloud's nodes: the sandbox creates nodes with these names. */
export function devSpec(): CloudSpec {
    return {
        devMode: true,
        nodePools: [
            { name: "control", roles: ["control-plane"], nodes: [{ name: "dev-control-0" }] },
            { name: "network", roles: ["network"], nodes: [{ name: "dev-network-0", bridgeInterfaces: { "br-ex": "eth1" }, tunnelIp: "10.0.1.10" }] },
            {
                name: "compute", roles: ["compute"], nodeDefaults: { tunnelInterface: "eth0" },
                nodes: [{ name: "dev-compute-0" }, { name: "dev-compute-1" }],
            },
            { name: "storage", roles: ["storage"], nodes: [{ name: "dev-storage-0", osdDevices: ["/dev/vdb"] }] },
        ],
    };
}

/** An HA control plane: three control nodes, three-member Galera and RabbitMQ. */
export function haSpec(): CloudSpec {
    return {
        nodePools: [
            { name: "control", roles: ["control-plane"], nodes: [{ name: "ctl-1" }, { name: "ctl-2" }, { name: "ctl-3" }] },
            { name: "network", roles: ["network"], nodeDefaults: { bridgeInterfaces: { "br-ex": "bond1" } }, nodes: [{ name: "net-1" }, { name: "net-2" }] },
            { name: "compute", roles: ["compute"], nodes: [{ name: "cmp-1", tunnelInterface: "bond0" }] },
        ],
        infrastructure: { mariadb: { persistence: { storageClassName: "fast-ssd", size: "50Gi" } } },
        services: { keystone: { publicUrl: "https://keystone.example.com", region: "RegionTwo" } },
    };
}
