import * as pulumi from "@pulumi/pulumi";
import { CloudContext } from "./cloudContext";

/** Outputs of the networking part of `Cloud` (Neutron, agents, OVS, Octavia, the network layout). */
export interface CloudNetworking {
    outputs: Record<string, pulumi.Output<unknown>>;
}

/** Adds the networking components to a `Cloud`. */
export function addNetworking(_ctx: CloudContext): CloudNetworking {
    return { outputs: {} };
}
