/**
 * The example program: one Cloud from the stack's `oskube:spec` config. `dev` targets the local sandbox;
 * `production` is a realistic HA example. Both specs live in stacks/Pulumi.<stack>.yaml.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cloud, CloudSpec } from "../components";

const config = new pulumi.Config("oskube");
const spec = config.requireObject<CloudSpec>("spec");
const cloud = new Cloud(pulumi.getStack(), { spec });

export const controlPlaneNamespace = cloud.controlPlaneNamespace;
export const dataPlaneNamespace = cloud.dataPlaneNamespace;
export const keystoneUrl = cloud.keystoneUrl;
export const keystonePublicUrl = cloud.keystonePublicUrl;
export const adminCredentials = cloud.adminCredentials;
export const services = cloud.services;
