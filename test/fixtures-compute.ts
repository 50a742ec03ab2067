import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CloudSpec } from "../lib/spec";
import { devSpec } from "./fixtures";

/** The spec of a stack in stacks/Pulumi.<stack>.yaml, as the stack program reads it. */
export function stackSpec(stack: string): CloudSpec {
    const file = path.join(__dirname, "..", "stacks", `Pulumi.${stack}.yaml`);
    return parse(fs.readFileSync(file, "utf8")).config["oskube:spec"] as CloudSpec;
}

/** The dev cloud with Ceph on the storage node, two compute pools and a KubeVirt VM. */
export function storageSpec(): CloudSpec {
    const spec = devSpec();
    spec.nodePools = [
        ...spec.nodePools.filter((p) => p.name !== "compute"),
        { name: "compute-kvm", roles: ["compute"], nodes: [{ name: "dev-compute-0", tunnelInterface: "eth0" }] },
        { name: "compute-qemu", roles: ["compute"], nodes: [{ name: "dev-compute-1", tunnelInterface: "eth0" }] },
    ];
    spec.storage = { enabled: true };
    spec.compute = {
        pools: [
            { name: "kvm", nodePools: ["compute-kvm"], virtType: "kvm", cpuMode: "custom", cpuModels: ["Skylake-Server"] },
            { name: "qemu", nodePools: ["compute-qemu"], virtType: "qemu", ephemeralBackend: "local" },
        ],
        kubevirtVms: [{ name: "test-vm", image: "quay.io/containerdisks/fedora:41", cpuCores: 2, memory: "2Gi", networks: ["provider"] }],
    };
    return spec;
}

/** A production-shaped spec: 3 control, 2 network, 3 storage nodes, Ceph with 3 monitors. */
export function haStorageSpec(): CloudSpec {
    return {
        nodePools: [
            { name: "control", roles: ["control-plane"], nodes: [{ name: "ctl-1" }, { name: "ctl-2" }, { name: "ctl-3" }] },
            { name: "network", roles: ["network"], nodeDefaults: { bridgeInterfaces: { "br-ex": "bond1" } }, nodes: [{ name: "net-1" }, { name: "net-2" }] },
            { name: "compute", roles: ["compute"], nodeDefaults: { tunnelInterface: "bond0" }, nodes: [{ name: "cmp-1" }, { name: "cmp-2" }] },
            { name: "storage", roles: ["storage"], nodeDefaults: { osdDevices: ["/dev/sdb"] }, nodes: [{ name: "sto-1" }, { name: "sto-2" }, { name: "sto-3" }] },
        ],
        storage: { enabled: true },
    };
}
