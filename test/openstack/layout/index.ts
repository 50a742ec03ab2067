/**
 * The openstack tier's stack: oskube's NetworkLayout, from a cloud spec plus a layout file, applied through the
 * real OpenStack provider to the tier's Neutron. The provider takes its credentials from the OS_* environment
 * (scripts/openstack-env.sh's env file), so no password enters the program or the state.
 */
import * as fs from "fs";
import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { NetworkLayout } from "../../../components/networkLayout";
import { CloudSpec } from "../../../lib/spec";

const config = new pulumi.Config("tier");
const spec = JSON.parse(fs.readFileSync(config.require("specFile"), "utf8")) as CloudSpec;
spec.networks = JSON.parse(fs.readFileSync(config.require("layoutFile"), "utf8"));

const provider = new openstack.Provider("tier-neutron", {
    authUrl: process.env.OS_AUTH_URL,
    region: process.env.OS_REGION_NAME,
    endpointType: "public",
});

const layout = new NetworkLayout("tier", { spec }, { provider });

export const networkIds = layout.networkIds;
export const subnetIds = layout.subnetIds;
export const routerIds = layout.routerIds;
export const securityGroupIds = layout.securityGroupIds;
export const floatingIpPools = layout.floatingIpPools;
