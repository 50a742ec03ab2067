/**
 * The cloud spec: one plain, typed object that describes a whole OpenStack cloud on Kubernetes.
 *
 * Every field documents its default. `resolveSpec` fills the defaults in, `validateSpec` reports every problem at
 * once, and the render functions only ever see a resolved, valid spec. Enumerated fields are typed as `string` on
 * purpose: the spec usually comes from stack config (YAML), and a typo must reach validation, which names the field
 * and the allowed values, instead of being lost in a cast.
 */

/** Roles a node can hold. A node may hold several. */
export type NodeRole = "control-plane" | "network" | "compute" | "storage";
export const NODE_ROLES: readonly NodeRole[] = ["control-plane", "network", "compute", "storage"];

/** OpenStack releases whose images and options oskube renders for. */
export const SUPPORTED_RELEASES = ["2025.1", "2025.2", "2026.1", "2026.2"] as const;
export const DEFAULT_RELEASE = "2026.1";

export interface NodeSpec {
    /** The Kubernetes node name (it must already exist; oskube labels and taints it, it does not create machines). */
    name: string;
    /**
     * The NIC bound to each provider bridge on this node, e.g. `{ "br-ex": "eno2" }`. Names differ between machines, so
     * they are per node. Needed on network nodes (and on compute nodes with DVR) for every bridge of a physnet.
     */
    bridgeInterfaces?: Record<string, string>;
    /** The overlay (VXLAN/Geneve) endpoint address of this node. Takes precedence over `tunnelInterface`. */
    tunnelIp?: string;
    /** The interface whose address is the overlay endpoint, when `tunnelIp` is not given. */
    tunnelInterface?: string;
    /** Raw block devices for Ceph OSDs on storage nodes, e.g. `["/dev/sdb"]`. */
    osdDevices?: string[];
}

export interface NodePoolSpec {
    /** Pool name: lowercase DNS label. */
    name: string;
    /** Roles of every node in the pool. */
    roles: string[];
    nodes: NodeSpec[];
    /**
     * Taint the nodes with their role keys (`NoSchedule`) so that nothing else lands there by accident. oskube's own
     * pods tolerate every role taint and are placed by node selectors. Default: true.
     */
    taint?: boolean;
    /** Extra labels for every node in the pool. */
    labels?: Record<string, string>;
    /** Defaults for this pool's nodes; a node's own fields win. */
    nodeDefaults?: Omit<NodeSpec, "name">;
}

export interface ImagesSpec {
    /** Registry and path prefix of the OpenStack (LOCI) images. Default: `quay.io/airshipit`. */
    registry?: string;
    /** Tag suffix after the release, e.g. `2026.1-ubuntu_noble`. Default: `ubuntu_noble`. */
    distribution?: string;
    /**
     * Full image references per image key (`keystone`, `neutron`, `mariadb`, `rabbitmq`, ...). Use this to pin by
     * digest: `quay.io/airshipit/keystone@sha256:...`.
     */
    overrides?: Record<string, string>;
}

export interface NamespacesSpec {
    /** Namespace of the control plane and the shared infrastructure. Default: `openstack`. */
    controlPlane?: string;
    /** Namespace of the privileged data plane (OVS, agents, libvirt, nova-compute). Default: `openstack-dataplane`. */
    dataPlane?: string;
    /** Pod Security level enforced on the control-plane namespace: `baseline` (default) or `restricted`. */
    controlPlaneSecurity?: string;
    /** Create the namespaces (default true). Set false when they are managed elsewhere. */
    create?: boolean;
}

export interface ResourcesSpec {
    /** CPU request, e.g. `250m`. */
    cpu?: string;
    /** Memory request and limit, e.g. `512Mi`. */
    memory?: string;
}

export interface PersistenceSpec {
    /**
     * Keep data on PersistentVolumeClaims. `false` uses emptyDir: data dies with the pod, so it is only allowed in dev
     * mode. Default: true (false in dev mode, where a cluster may have no volume provisioner).
     */
    enabled?: boolean;
    /** StorageClass of the claims. Default: the cluster's default class. */
    storageClassName?: string;
    /** Claim size. */
    size?: string;
}

export interface MariaDbSpec {
    /** Galera members. Must be odd for quorum. Default: 3 (1 in dev mode). */
    replicas?: number;
    persistence?: PersistenceSpec;
    resources?: ResourcesSpec;
}

export interface RabbitMqSpec {
    /** Cluster members. Must be odd for quorum queues. Default: 3 (1 in dev mode). */
    replicas?: number;
    persistence?: PersistenceSpec;
    resources?: ResourcesSpec;
}

export interface MemcachedSpec {
    /** Default: 2 (1 in dev mode). */
    replicas?: number;
    /** Cache memory per instance, in MiB. Default: 256. */
    memoryMiB?: number;
}

export interface InfrastructureSpec {
    mariadb?: MariaDbSpec;
    rabbitmq?: RabbitMqSpec;
    memcached?: MemcachedSpec;
}

export interface ApiServiceSpec {
    /** API replicas. Default: 2 (1 in dev mode). */
    replicas?: number;
    resources?: ResourcesSpec;
    /**
     * Extra oslo options, merged over the rendered file: `{ section: { option: value } }`. Validated by the
     * openstack test tier against the release's real options; not checked at preview time.
     */
    configOverrides?: Record<string, Record<string, string>>;
}

export interface KeystoneSpec extends ApiServiceSpec {
    /** Region name. Default: `RegionOne`. */
    region?: string;
    /** Public base URL of the identity API, e.g. `https://keystone.example.com`. Default: the internal URL. */
    publicUrl?: string;
    /** Admin user name. Default: `admin`. */
    adminUser?: string;
    /** Admin project name. Default: `admin`. */
    adminProject?: string;
    /** Token expiry in seconds. Default: 3600. */
    tokenExpiration?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Networking (Neutron, agents, OVS, Octavia). Rendered and validated by lib/render/neutron*, lib/spec/networking.
// ---------------------------------------------------------------------------------------------------------------

export interface VlanRangeSpec {
    min: number;
    max: number;
}

export interface PhysnetSpec {
    /** Physical network name, e.g. `physnet1` (the article's provider network). */
    name: string;
    /** OVS bridge the physnet is mapped to on network (and DVR compute) nodes. Default: `br-ex`. */
    bridge?: string;
    /** VLAN ranges available to project networks on this physnet; empty means flat-only. */
    vlanRanges?: VlanRangeSpec[];
}

export interface OpenFlowSpec {
    /** Address the OVS agent's native (os-ken) OpenFlow controller listens on. Default: 127.0.0.1. */
    listenAddress?: string;
    /** Default: 6633. */
    listenPort?: number;
}

export interface DpdkSpec {
    enabled?: boolean;
    /** 1Gi hugepages per node, as a quantity, e.g. `4Gi`. */
    hugepages1Gi?: string;
    /** 2Mi hugepages per node, e.g. `2Gi`. */
    hugepages2Mi?: string;
    /** PMD CPU mask (hex), e.g. `0x6`. */
    pmdCpuMask?: string;
    /** lcore mask (hex), e.g. `0x1`. */
    lcoreMask?: string;
    /** Memory per NUMA socket in MiB, e.g. `[1024, 1024]`. */
    socketMemory?: number[];
}

export interface CalicoSpec {
    /**
     * etcd v3 endpoints of the Calico datastore, e.g. `["http://etcd.calico.svc:2379"]`. networking-calico and Felix
     * for OpenStack only work with the etcd datastore, not with Calico's Kubernetes datastore. Required for `calico`.
     */
    etcdEndpoints?: string[];
}

export interface NeutronSpec extends ApiServiceSpec {
    /** ML2 mechanism backend: `openvswitch` (default), `ovn` or `calico`. `linuxbridge` was removed in 2025.1. */
    backend?: string;
    /** Extra ML2 mechanism drivers (e.g. `sriovnicswitch`). `l2population` is added for openvswitch. */
    extraMechanismDrivers?: string[];
    /** Type drivers. Default: flat,vlan,vxlan (flat,vlan,geneve for ovn; flat,local for calico). */
    typeDrivers?: string[];
    /** Network types of project networks, in order of preference. Default: vxlan (geneve for ovn, local for calico). */
    projectNetworkTypes?: string[];
    /** Service plugins besides the router. Known: `metering`, `trunk`, `qos`, `segments`, `port_forwarding`. `lbaas` maps to Octavia. */
    servicePlugins?: string[];
    physnets?: PhysnetSpec[];
    /** VXLAN/Geneve VNI ranges. Default: 1:1000 (vxlan), 1:65536 (geneve). */
    vniRanges?: VlanRangeSpec[];
    /** L3 HA routers (VRRP) across network nodes. Default: true when there are 2+ network nodes. */
    l3Ha?: boolean;
    /** Default: 2. */
    maxL3AgentsPerRouter?: number;
    /** L3 agent mode on network nodes: `legacy` (default), `dvr_snat` (with DVR on compute nodes). */
    l3AgentMode?: string;
    /** The OVS agent's built-in native OpenFlow controller (what the article calls the Ryu plugin). */
    openflow?: OpenFlowSpec;
    dpdk?: DpdkSpec;
    /** MTU of the physical network. Default: 1500. */
    globalPhysnetMtu?: number;
    /** DNS domain for ports. Default: `openstacklocal.`. */
    dnsDomain?: string;
    /** Settings of the `calico` backend. */
    calico?: CalicoSpec;
}

export interface OctaviaSpec extends ApiServiceSpec {
    /** Deploy Octavia, the load balancer service (successor of neutron-lbaas). Default: false. */
    enabled?: boolean;
}

export interface SubnetSpec {
    name: string;
    cidr: string;
    /** Gateway address inside `cidr`. Default: the first host address. `null`-like `"none"` disables it. */
    gateway?: string;
    allocationPools?: { start: string; end: string }[];
    dnsNameservers?: string[];
    hostRoutes?: { destination: string; nexthop: string }[];
    enableDhcp?: boolean;
    ipVersion?: number;
}

export interface ProviderNetworkSpec {
    name: string;
    /** Physnet the network lives on; it must be in `neutron.physnets`. */
    physnet: string;
    /** `flat` (default) or `vlan`. */
    type?: string;
    /** VLAN ID for `vlan` networks. */
    segmentationId?: number;
    /** An external network (router gateways, floating IPs). Default: true. */
    external?: boolean;
    shared?: boolean;
    subnets: SubnetSpec[];
}

export interface TenantNetworkSpec {
    name: string;
    /** `vxlan` or `geneve`. Default: the first project network type. */
    type?: string;
    segmentationId?: number;
    subnets: SubnetSpec[];
    shared?: boolean;
}

export interface RouterSpec {
    name: string;
    /** External network for the gateway. */
    externalNetwork?: string;
    /** Subnet names attached to the router. */
    interfaces?: string[];
    ha?: boolean;
    distributed?: boolean;
}

export interface SecurityGroupRuleSpec {
    direction?: string;
    protocol?: string;
    portRangeMin?: number;
    portRangeMax?: number;
    remoteIpPrefix?: string;
    ethertype?: string;
}

export interface SecurityGroupSpec {
    name: string;
    description?: string;
    rules: SecurityGroupRuleSpec[];
}

export interface NetworkLayoutSpec {
    /** Create the OpenStack-side objects through the OpenStack provider. Default: false. */
    enabled?: boolean;
    /** The article's management network: nodes' admin network, with a gateway for DNS, NTP and updates. */
    management?: ProviderNetworkSpec;
    /** Provider (external) networks: Internet access for instances. */
    provider?: ProviderNetworkSpec[];
    tenants?: TenantNetworkSpec[];
    routers?: RouterSpec[];
    securityGroups?: SecurityGroupSpec[];
    /** NTP servers handed to instances as host routes / DHCP options. */
    ntpServers?: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Compute, images, storage. Rendered and validated by lib/render/nova*, lib/render/ceph*, lib/spec/compute.
// ---------------------------------------------------------------------------------------------------------------

export interface StorageSpec {
    /** Run Ceph on the storage-role nodes through Rook. Default: false. */
    enabled?: boolean;
    /** Ceph monitors: odd, and at least 3 unless `devMode`. Default: 3 (1 in dev mode). */
    monitors?: number;
    /** Install the Rook operator from its Helm chart (true) or expect it to be installed already (false, default). */
    installRookOperator?: boolean;
    /** Namespace of the Rook operator and the CephCluster. Default: `rook-ceph`. */
    rookNamespace?: string;
    /** Replica count of each pool. Default: 3 (1 in dev mode). */
    poolReplicas?: number;
    /** Rook release: the Helm chart version when `installRookOperator`. Default: `v1.20.6`. */
    rookVersion?: string;
    /** Ceph container image of the cluster. Default: `quay.io/ceph/ceph:v19.2.3`. */
    cephImage?: string;
    /** Name of the RBD StorageClass created for Kubernetes volumes. Default: `ceph-rbd`. */
    storageClassName?: string;
}

export interface ComputePoolSpec {
    name: string;
    /** Node pools whose compute-role nodes this pool covers. */
    nodePools: string[];
    /** `kvm` (default) or `qemu`. */
    virtType?: string;
    /** libvirt cpu_mode: `host-model` (default), `host-passthrough`, `custom`. */
    cpuMode?: string;
    /** CPU models when cpuMode is `custom`. */
    cpuModels?: string[];
    /** Ephemeral disks on Ceph RBD (`rbd`) or on the node (`local`). Default: rbd when storage is enabled. */
    ephemeralBackend?: string;
}

export interface KubevirtVmSpec {
    name: string;
    cpuCores?: number;
    memory?: string;
    /** Container disk image. */
    image: string;
    running?: boolean;
    /** Multus network names to attach (beyond the pod network). */
    networks?: string[];
}

export interface ComputeSpec {
    pools?: ComputePoolSpec[];
    kubevirtVms?: KubevirtVmSpec[];
    /** Install KubeVirt from its release manifest (true) or expect it (false, default). */
    installKubevirt?: boolean;
    /** KubeVirt release whose operator manifest is applied when `installKubevirt`. Default: `v1.9.0`. */
    kubevirtVersion?: string;
}

export interface ServicesSpec {
    keystone?: KeystoneSpec;
    glance?: ApiServiceSpec;
    placement?: ApiServiceSpec;
    nova?: ApiServiceSpec;
    neutron?: NeutronSpec;
    octavia?: OctaviaSpec;
    cinder?: ApiServiceSpec;
    horizon?: ApiServiceSpec;
}

export interface ClusterSpec {
    /** Kubernetes pod CIDR; checked against OpenStack networks for overlaps when given. */
    podCidr?: string;
    /** Kubernetes service CIDR; checked the same way. */
    serviceCidr?: string;
    /** Cluster DNS domain. Default: `cluster.local`. */
    domain?: string;
}

export interface CloudSpec {
    /** OpenStack release. Default: 2026.1. */
    release?: string;
    /**
     * Dev mode: single replicas, one Galera member, no persistence requirements, one Ceph monitor. Never for production.
     * Default: false.
     */
    devMode?: boolean;
    nodePools: NodePoolSpec[];
    images?: ImagesSpec;
    namespaces?: NamespacesSpec;
    cluster?: ClusterSpec;
    infrastructure?: InfrastructureSpec;
    services?: ServicesSpec;
    networks?: NetworkLayoutSpec;
    storage?: StorageSpec;
    compute?: ComputeSpec;
}
