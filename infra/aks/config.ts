// The AKS stack's configuration (cloudingress-aks:*, azure-native:location, and the shared
// cloudingress:*), checked as a whole before anything is declared.

import { ConfigReader } from "../common/config";
import { readSharedConfig, SharedConfig } from "../common/install";
import { formatAddress, overlaps, parseCidr, subBlock } from "../common/net";

export const PROJECT = "cloudingress-aks";

export interface AksConfig {
    location: string;
    clusterName: string;
    /** The cluster, the controller's identity, and the gateways, load balancers and public IPs it makes (--azure-resource-group). */
    resourceGroupName: string;
    /** The virtual network (the docs' "usually lives in another group"). */
    networkResourceGroupName: string;
    /** AKS's default when unset. */
    kubernetesVersion?: string;
    vnetCidr: string;
    nodeSubnetCidr: string;
    appGatewaySubnetCidr: string;
    loadBalancerSubnetCidr: string;
    serviceCidr: string;
    dnsServiceIP: string;
    nodeVmSize: string;
    nodeCount: number;
    nodeMaxCount: number;
    /** Who may reach the API server; empty: everyone (AKS's default). */
    authorizedIpRanges: string[];
    install: SharedConfig;
}

/** AKS cluster names: 1 to 63 letters, digits, - and _, starting and ending with a letter or digit. */
const CLUSTER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;
/** Resource group names: 1 to 90 letters, digits, _ - . ( ), not ending with a period. */
const RESOURCE_GROUP = /^[-\w.()]{0,89}[-\w()]$/;
/** Addresses AKS refuses for the service CIDR (and 169.254/16, link-local), besides the virtual network. */
const AKS_RESERVED = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"];

export function readAksConfig(read: ConfigReader = new ConfigReader(PROJECT)): AksConfig {
    const location = read.sibling("azure-native").requiredString("location", {
        what: "the Azure region of everything the stack creates (also the controller's --azure-location)",
        pattern: /^[a-z][a-z0-9]+$/,
        expected: "an Azure region name such as westeurope (lower case, no spaces)",
    });
    const clusterName = read.requiredString("clusterName", {
        what: "the AKS cluster's name; it is also the controller's --cluster-name, which names and tags every gateway, load balancer and public IP it creates",
        pattern: CLUSTER_NAME,
        expected: "an AKS cluster name: 1 to 63 letters, digits, - and _, starting and ending with a letter or digit",
    });
    const groupName = (key: string, fallback: string) => {
        const v = read.optionalString(key, { pattern: RESOURCE_GROUP, expected: "a resource group name: 1 to 90 letters, digits, _ - . ( ), not ending with a period" }) ?? fallback;
        return v;
    };
    const resourceGroupName = groupName("resourceGroupName", clusterName);
    const networkResourceGroupName = groupName("networkResourceGroupName", `${clusterName}-network`);
    if (resourceGroupName && resourceGroupName.toLowerCase() === networkResourceGroupName.toLowerCase()) {
        read.problem("networkResourceGroupName", `"${networkResourceGroupName}" is also resourceGroupName; the network gets a group of its own (resource group names are case-insensitive)`);
    }

    const kubernetesVersion = read.optionalString("kubernetesVersion", { pattern: /^1\.\d+(\.\d+)?$/, expected: "a Kubernetes version such as 1.33 or 1.33.2" });
    if (kubernetesVersion && /^1\.\d+(\.\d+)?$/.test(kubernetesVersion) && Number(kubernetesVersion.split(".")[1]) < 30) {
        read.problem("kubernetesVersion", `"${kubernetesVersion}": deploy/ needs Kubernetes 1.30 or later (its preStop hook is a sleep)`);
    }

    // The node subnet is half the network (Azure CNI: every pod takes an address of it, so the
    // gateways reach pods directly); the gateway and internal load balancer subnets a sixteenth
    // each, from the second half. /20 at most, so that the gateway subnet is a /24 at least, as
    // Application Gateway v2 wants for its largest scale.
    const vnet = read.cidr("vnetCidr", "10.224.0.0/16", 4);
    const fits = vnet.prefix >= 16 && vnet.prefix <= 20;
    if (!fits) read.problem("vnetCidr", `"${vnet.text}": the virtual network must be /16 to /20 (the Application Gateway subnet, a sixteenth of it, must be /24 or larger)`);
    const nodeSubnetCidr = fits ? subBlock(vnet.span, vnet.prefix + 1, 0) : "";
    const appGatewaySubnetCidr = fits ? subBlock(vnet.span, vnet.prefix + 4, 8) : "";
    const loadBalancerSubnetCidr = fits ? subBlock(vnet.span, vnet.prefix + 4, 9) : "";

    const service = read.cidr("serviceCidr", "10.0.0.0/16", 4);
    let dnsServiceIP = "";
    if (service.prefix < 12 || service.prefix > 24) {
        read.problem("serviceCidr", `"${service.text}": the service CIDR must be /12 to /24`);
    } else if (overlaps(service.span, vnet.span)) {
        read.problem("serviceCidr", `"${service.text}" overlaps vnetCidr (${vnet.text}); AKS refuses a service CIDR inside the network`);
    } else {
        const reserved = AKS_RESERVED.find((r) => overlaps(service.span, parseCidr(r).span!));
        if (reserved) read.problem("serviceCidr", `"${service.text}" overlaps ${reserved}, which AKS reserves`);
        dnsServiceIP = formatAddress({ family: 4, value: service.span.first + 10n });
    }

    const nodeVmSize = read.optionalString("nodeVmSize", { pattern: /^Standard_[A-Za-z0-9_]+$/, expected: "an Azure VM size such as Standard_D2s_v5" }) ?? "Standard_D2s_v5";
    const nodeCount = read.integer("nodeCount", 2, { min: 1, max: 100 });
    const nodeMaxCount = read.integer("nodeMaxCount", nodeCount, { min: 1, max: 100 });
    if (nodeMaxCount < nodeCount) read.problem("nodeMaxCount", `${nodeMaxCount} is less than nodeCount (${nodeCount})`);

    const authorizedIpRanges = read.stringList("authorizedIpRanges", []);
    for (const c of authorizedIpRanges) read.checkCidr("authorizedIpRanges", c, 4);

    const install = readSharedConfig(read);
    read.check();
    return {
        location,
        clusterName,
        resourceGroupName,
        networkResourceGroupName,
        kubernetesVersion,
        vnetCidr: vnet.text,
        nodeSubnetCidr,
        appGatewaySubnetCidr,
        loadBalancerSubnetCidr,
        serviceCidr: service.text,
        dnsServiceIP,
        nodeVmSize,
        nodeCount,
        nodeMaxCount,
        authorizedIpRanges,
        install,
    };
}
