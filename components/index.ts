/** The public API of oskube. */
export * from "./cloud";
export * from "./namespaces";
export * from "./nodePool";
export * from "./mariadb";
export * from "./rabbitmq";
export * from "./memcached";
export * from "./keystone";
export { provisionService, ServiceDepsArgs, ServiceDeps } from "./serviceDeps";
export { CloudSpec, ResolvedCloud, SpecError, SpecIssue, resolveSpec, validateSpec } from "../lib/spec";
export * from "../lib/spec/types";
export * from "./placement";
export * from "./glance";
export * from "./nova";
export * from "./computePool";
export * from "./kubevirtVm";
export * from "./storagePool";
export * from "./cinder";
