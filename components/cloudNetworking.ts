import * as pulumi from "@pulumi/pulumi";
import { CloudContext } from "./cloudContext";

/** What the networking part of `Cloud` hands to the compute part and to the Cloud's outputs. */
export interface CloudNetworking {
    /** Neutron's in-cluster API URL, for Nova's `[neutron]` section. Undefined until Neutron is added. */
    neutronInternalUrl?: string;
    /** Secret (in the control-plane namespace) whose `secret` key is the metadata proxy shared secret. */
    metadataSecretName?: string;
    /** The metadata proxy shared secret (a Pulumi secret), for Nova's `[neutron] metadata_proxy_shared_secret`. */
    metadataProxySecret?: pulumi.Output<string>;
    /** What compute must wait for (Neutron server ready). */
    ready: pulumi.Resource[];
    /** Outputs merged into `Cloud.services` (endpoints, network IDs). */
    outputs: Record<string, pulumi.Output<unknown>>;
}

/** Adds the networking components to a `Cloud`. */
export function addNetworking(_ctx: CloudContext): CloudNetworking {
    return { ready: [], outputs: {} };
}
