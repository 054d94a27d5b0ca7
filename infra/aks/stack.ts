// infra/aks: a virtual network with node, Application Gateway and internal load balancer subnets,
// an AKS cluster with its OIDC issuer and workload identity, the controller's user-assigned
// identity (federated with its ServiceAccount) holding exactly docs/azure.md's custom role, and
// CloudIngress installed with --provider=azure.

import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ConfigReader } from "../common/config";
import { readDeploy } from "../common/deploy";
import { installCloudIngress, serviceAccountOf } from "../common/install";
import { PROJECT, readAksConfig } from "./config";
import { docsRole } from "./role";

/** The audience AKS workload identity tokens carry (docs/azure.md, "Workload identity set-up"). */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";
/** Azure's built-in Network Contributor role. */
export const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67861a7fc4a";

export function aksStack(read: ConfigReader = new ConfigReader(PROJECT)) {
    // Everything that can be wrong with the input is found before the first resource.
    const cfg = readAksConfig(read);
    const base = readDeploy();
    const serviceAccount = serviceAccountOf(base);
    const role = docsRole();
    const name = cfg.clusterName;
    const location = cfg.location;
    const subscriptionId = authorization.getClientConfigOutput().subscriptionId;

    const group = new resources.ResourceGroup(name, { resourceGroupName: cfg.resourceGroupName, location });
    const networkGroup = new resources.ResourceGroup(`${name}-network`, { resourceGroupName: cfg.networkResourceGroupName, location });

    // The network: nodes (and, with Azure CNI, their pods), and the two subnets the controller
    // puts frontends in. Application Gateway v2 wants a subnet of its own.
    const vnet = new network.VirtualNetwork(`${name}-vnet`, {
        resourceGroupName: networkGroup.name,
        virtualNetworkName: `${name}-vnet`,
        location,
        addressSpace: { addressPrefixes: [cfg.vnetCidr] },
    });
    // One after the other: ARM refuses concurrent changes to one network's subnets.
    const subnet = (kind: string, addressPrefix: string, after?: network.Subnet) =>
        new network.Subnet(`${name}-${kind}`, {
            resourceGroupName: networkGroup.name,
            virtualNetworkName: vnet.name,
            subnetName: kind,
            addressPrefix,
        }, after ? { dependsOn: [after] } : undefined);
    const nodeSubnet = subnet("nodes", cfg.nodeSubnetCidr);
    const appGatewaySubnet = subnet("appgw", cfg.appGatewaySubnetCidr, nodeSubnet);
    const loadBalancerSubnet = subnet("internal-lb", cfg.loadBalancerSubnetCidr, appGatewaySubnet);

    // The cluster: Azure CNI (pod IPs are network addresses, which the gateways' and load
    // balancers' backend pools hold), the OIDC issuer and workload identity for the controller.
    const cluster = new containerservice.ManagedCluster(name, {
        resourceGroupName: group.name,
        resourceName: name,
        location,
        dnsPrefix: name.replace(/_/g, "-").slice(0, 54).replace(/-+$/, ""),
        kubernetesVersion: cfg.kubernetesVersion,
        enableRBAC: true,
        identity: { type: "SystemAssigned" },
        agentPoolProfiles: [{
            name: "system",
            mode: "System",
            osType: "Linux",
            type: "VirtualMachineScaleSets",
            vmSize: cfg.nodeVmSize,
            count: cfg.nodeCount,
            ...(cfg.nodeMaxCount > cfg.nodeCount ? { enableAutoScaling: true, minCount: cfg.nodeCount, maxCount: cfg.nodeMaxCount } : {}),
            vnetSubnetID: nodeSubnet.id,
        }],
        networkProfile: {
            networkPlugin: "azure",
            loadBalancerSku: "standard",
            serviceCidr: cfg.serviceCidr,
            dnsServiceIP: cfg.dnsServiceIP,
        },
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        ...(cfg.authorizedIpRanges.length > 0 ? { apiServerAccessProfile: { authorizedIPRanges: cfg.authorizedIpRanges } } : {}),
    });
    // A cluster in a network of its own group manages its node subnet (what `az aks create --vnet-subnet-id` grants).
    new authorization.RoleAssignment(`${name}-cluster-subnet`, {
        principalId: cluster.identity.apply((i) => i!.principalId),
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`,
        scope: nodeSubnet.id,
    });

    // The controller's identity: trusted for tokens of its ServiceAccount from this cluster's issuer only.
    const identity = new managedidentity.UserAssignedIdentity(`${name}-cloudingress`, {
        resourceGroupName: group.name,
        resourceName: "cloudingress",
        location,
    });
    const federated = new managedidentity.FederatedIdentityCredential(`${name}-cloudingress`, {
        resourceGroupName: group.name,
        resourceName: identity.name,
        federatedIdentityCredentialResourceName: "cloudingress",
        issuer: cluster.oidcIssuerProfile.apply((p) => p!.issuerURL),
        subject: `system:serviceaccount:${serviceAccount.namespace}:${serviceAccount.name}`,
        audiences: [WORKLOAD_IDENTITY_AUDIENCE],
    });

    // docs/azure.md's role, with exactly its actions, assignable where this stack assigns it: on
    // the controller's group (gateways, load balancers, public IPs) and on the network (subnet
    // joins, backend pools of pod IPs), as the docs' set-up does. Custom role names are unique in
    // the tenant, so this one carries the cluster and subscription.
    const roleDefinition = new authorization.RoleDefinition(`${name}-cloudingress`, {
        scope: group.id,
        roleName: pulumi.interpolate`${role.Name} (${name}, ${subscriptionId})`,
        description: role.Description,
        roleType: "CustomRole",
        permissions: [{ actions: role.Actions, notActions: [], dataActions: [], notDataActions: [] }],
        assignableScopes: [group.id, networkGroup.id],
    });
    const assignments = [
        ["group", group.id],
        ["vnet", vnet.id],
    ].map(([where, scope]) =>
        new authorization.RoleAssignment(`${name}-cloudingress-${where}`, {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinition.id,
            scope,
        }));

    // Kubernetes, with the cluster's user credentials (a certificate: the cluster has local
    // accounts and no Entra ID integration). Secret: it is a credential.
    const credentials = containerservice.listManagedClusterUserCredentialsOutput({ resourceGroupName: group.name, resourceName: cluster.name });
    const kubeconfig = pulumi.secret(credentials.kubeconfigs.apply((k) => Buffer.from(k[0].value, "base64").toString("utf8")));
    const kubernetes = new k8s.Provider(`${name}-k8s`, { kubeconfig });

    const install = installCloudIngress(cfg.install, {
        base,
        providerFlags: [
            { flag: "--provider", value: "azure" },
            { flag: "--cluster-name", value: name },
            { flag: "--azure-subscription", value: subscriptionId },
            { flag: "--azure-resource-group", value: group.name },
            { flag: "--azure-location", value: location },
            { flag: "--azure-appgw-subnet", value: appGatewaySubnet.id },
            // Internal frontends of load balancers; its network is also where pod IPs are registered.
            { flag: "--azure-lb-subnet", value: loadBalancerSubnet.id },
        ],
        // The workload identity webhook gives pods with this label AZURE_CLIENT_ID (from the
        // annotation), AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE, which the controller reads.
        serviceAccountAnnotations: { "azure.workload.identity/client-id": identity.clientId },
        podLabels: { "azure.workload.identity/use": "true" },
        // Application Gateways and load balancers are the entry point; a LoadBalancer Service would make AKS buy one nobody uses.
        proxyServiceType: "ClusterIP",
    }, { providers: [kubernetes], dependsOn: [federated, ...assignments] });

    return {
        clusterName: cluster.name,
        resourceGroupName: group.name,
        networkResourceGroupName: networkGroup.name,
        vnetId: vnet.id,
        appGatewaySubnetId: appGatewaySubnet.id,
        loadBalancerSubnetId: loadBalancerSubnet.id,
        oidcIssuerUrl: federated.issuer,
        controllerNamespace: install.namespace,
        ingressClassName: install.ingressClassName,
        identityClientId: identity.clientId,
        roleDefinitionId: roleDefinition.id,
    };
}
