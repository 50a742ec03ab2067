import * as pulumi from "@pulumi/pulumi";
import { CloudContext } from "./cloudContext";
import { CloudNetworking } from "./cloudNetworking";

/** Outputs of the compute and storage part of `Cloud` (Placement, Glance, Nova, Cinder, compute pools, Ceph). */
export interface CloudCompute {
    outputs: Record<string, pulumi.Output<unknown>>;
}

/** Adds the compute, image and storage components to a `Cloud`. */
export function addCompute(_ctx: CloudContext, _net: CloudNetworking): CloudCompute {
    return { outputs: {} };
}
