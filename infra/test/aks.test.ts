// infra/aks under Pulumi's mocks: the network, the cluster with OIDC issuer and workload identity,
// the controller's identity and federated credential, docs/azure.md's role and where it is
// assigned, and the controller installed as deploy/ with the documented changes.

import assert from "node:assert/strict";
import { test } from "node:test";
import { StackConfigError } from "../common/config";
import { readDeploy } from "../common/deploy";
import { aksStack, NETWORK_CONTRIBUTOR } from "../aks/stack";
import { docsRole, ROLE_HEADING } from "../aks/role";
import { configProblems, Declared, mock, one, ofType, settle, valueOf } from "./harness";
import { at, CLOUD_STACK_CHANGES, differences, k8sObjects } from "./k8s";

const SUB = "00000000-1111-2222-3333-444444444444";
const ISSUER = "https://westeurope.oic.prod-aks.azure.com/tenant/issuer-guid/";
const KUBECONFIG = "apiVersion: v1\nkind: Config\nusers: [{name: clusterUser, user: {client-certificate-data: Q0VSVA==}}]\n";

const config = {
    "azure-native:location": "westeurope",
    "cloudingress-aks:clusterName": "prod_aks-01",
    "cloudingress:image": "myregistry.azurecr.io/cloudingress:0.1.0",
};

const T = {
    group: "azure-native:resources:ResourceGroup",
    vnet: "azure-native:network:VirtualNetwork",
    subnet: "azure-native:network:Subnet",
    cluster: "azure-native:containerservice:ManagedCluster",
    identity: "azure-native:managedidentity:UserAssignedIdentity",
    federated: "azure-native:managedidentity:FederatedIdentityCredential",
    roleDefinition: "azure-native:authorization:RoleDefinition",
    roleAssignment: "azure-native:authorization:RoleAssignment",
};

const groupId = (g: string) => `/subscriptions/${SUB}/resourceGroups/${g}`;

/** What ARM would report back: ids built the way ARM builds them, and the cluster's and identity's generated values. */
function cloud(r: { type: string; name: string; inputs: any }): Record<string, unknown> | undefined {
    const i = r.inputs;
    switch (r.type) {
        case T.group:
            return { name: i.resourceGroupName, id: groupId(i.resourceGroupName) };
        case T.vnet:
            return { name: i.virtualNetworkName, id: `${groupId(i.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${i.virtualNetworkName}` };
        case T.subnet:
            return { name: i.subnetName, id: `${groupId(i.resourceGroupName)}/providers/Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/subnets/${i.subnetName}` };
        case T.cluster:
            return { name: i.resourceName, identity: { type: "SystemAssigned", principalId: "cluster-principal" }, oidcIssuerProfile: { enabled: true, issuerURL: ISSUER } };
        case T.identity:
            return { name: i.resourceName, clientId: "controller-client-id", principalId: "controller-principal" };
        case T.roleDefinition:
            return { id: `${i.scope}/providers/Microsoft.Authorization/roleDefinitions/role-guid` };
        default:
            return undefined;
    }
}

const calls = {
    "azure-native:authorization:getClientConfig": { subscriptionId: SUB, tenantId: "tenant", clientId: "me", objectId: "me" },
    "azure-native:containerservice:listManagedClusterUserCredentials": { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(KUBECONFIG).toString("base64") }] },
};

const azure = { state: cloud, id: (r: { type: string; name: string; inputs: any }) => cloud(r)?.id as string | undefined, calls };

async function run(overrides: Record<string, unknown> = {}) {
    const declared = await mock("cloudingress-aks", { ...config, ...overrides }, azure);
    const stack = aksStack();
    const outputs = {
        controllerNamespace: await valueOf(stack.controllerNamespace),
        ingressClassName: await valueOf(stack.ingressClassName),
        identityClientId: await valueOf(stack.identityClientId),
        oidcIssuerUrl: await valueOf(stack.oidcIssuerUrl),
    };
    await settle(declared);
    return { declared, outputs };
}

const subnetIds = (declared: Declared[]) =>
    Object.fromEntries(ofType(declared, T.subnet).map((s) => [s.inputs.subnetName, cloud(s)!.id as string]));

test("two resource groups and a network with node, Application Gateway and internal load balancer subnets", async () => {
    const { declared } = await run();
    assert.deepEqual(ofType(declared, T.group).map((g) => [g.inputs.resourceGroupName, g.inputs.location]), [["prod_aks-01", "westeurope"], ["prod_aks-01-network", "westeurope"]]);
    const vnet = one(declared, T.vnet).inputs;
    assert.equal(vnet.resourceGroupName, "prod_aks-01-network");
    assert.deepEqual(vnet.addressSpace.addressPrefixes, ["10.224.0.0/16"]);
    assert.deepEqual(ofType(declared, T.subnet).map((s) => [s.inputs.subnetName, s.inputs.addressPrefix, s.inputs.virtualNetworkName]), [
        ["nodes", "10.224.0.0/17", "prod_aks-01-vnet"],
        ["appgw", "10.224.128.0/20", "prod_aks-01-vnet"],
        ["internal-lb", "10.224.144.0/20", "prod_aks-01-vnet"],
    ]);
});

test("a smaller network carves the same shape, down to a /24 gateway subnet", async () => {
    const { declared } = await run({ "cloudingress-aks:vnetCidr": "172.16.32.0/20", "cloudingress-aks:serviceCidr": "192.168.0.0/24" });
    assert.deepEqual(ofType(declared, T.subnet).map((s) => s.inputs.addressPrefix), ["172.16.32.0/21", "172.16.40.0/24", "172.16.41.0/24"]);
    const net = one(declared, T.cluster).inputs.networkProfile;
    assert.deepEqual([net.serviceCidr, net.dnsServiceIP], ["192.168.0.0/24", "192.168.0.10"]);
});

test("AKS cluster: OIDC issuer and workload identity on, Azure CNI in the node subnet", async () => {
    const { declared } = await run({ "cloudingress-aks:nodeMaxCount": "5", "cloudingress-aks:authorizedIpRanges": ["203.0.113.0/24"] });
    const cluster = one(declared, T.cluster).inputs;
    assert.equal(cluster.resourceName, "prod_aks-01");
    assert.equal(cluster.resourceGroupName, "prod_aks-01");
    assert.equal(cluster.dnsPrefix, "prod-aks-01");
    assert.deepEqual(cluster.oidcIssuerProfile, { enabled: true });
    assert.deepEqual(cluster.securityProfile, { workloadIdentity: { enabled: true } });
    assert.equal(cluster.kubernetesVersion, undefined, "AKS's default version unless set");
    // (The SDK adds the API's defaults, podCidr and outboundType, which AKS ignores or keeps with Azure CNI.)
    const net = cluster.networkProfile;
    assert.deepEqual([net.networkPlugin, net.networkPluginMode, net.loadBalancerSku, net.serviceCidr, net.dnsServiceIP], ["azure", undefined, "standard", "10.0.0.0/16", "10.0.0.10"]);
    const [pool] = cluster.agentPoolProfiles;
    assert.equal(pool.vnetSubnetID, subnetIds(declared).nodes);
    assert.deepEqual([pool.mode, pool.vmSize, pool.count, pool.enableAutoScaling, pool.minCount, pool.maxCount], ["System", "Standard_D2s_v5", 2, true, 2, 5]);
    assert.deepEqual(cluster.apiServerAccessProfile, { authorizedIPRanges: ["203.0.113.0/24"] });
    // The cluster's own identity manages its node subnet, and nothing more.
    const subnetRole = one(declared, T.roleAssignment, "prod_aks-01-cluster-subnet").inputs;
    assert.deepEqual([subnetRole.principalId, subnetRole.scope, subnetRole.roleDefinitionId],
        ["cluster-principal", subnetIds(declared).nodes, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`]);
});

test("workload identity: the controller's identity trusts only its ServiceAccount's tokens from this cluster's issuer", async () => {
    const { declared, outputs } = await run();
    const identity = one(declared, T.identity).inputs;
    assert.deepEqual([identity.resourceGroupName, identity.resourceName], ["prod_aks-01", "cloudingress"]);
    const federated = one(declared, T.federated).inputs;
    assert.equal(federated.resourceName, "cloudingress");
    assert.equal(federated.issuer, ISSUER);
    assert.equal(federated.subject, "system:serviceaccount:cloudingress:cloudingress");
    assert.deepEqual(federated.audiences, ["api://AzureADTokenExchange"]);
    assert.equal(outputs.identityClientId, "controller-client-id");
    assert.equal(outputs.oidcIssuerUrl, ISSUER);
});

test("the role has exactly docs/azure.md's actions, and is assigned to the identity on the group and the network only", async () => {
    const { declared } = await run();
    const docs = docsRole();
    const definition = one(declared, T.roleDefinition).inputs;
    assert.deepEqual(definition.permissions, [{ actions: docs.Actions, notActions: [], dataActions: [], notDataActions: [] }]);
    assert.ok(definition.permissions[0].actions.includes("Microsoft.Network/applicationGateways/write"));
    assert.equal(definition.roleName, `CloudIngress controller (prod_aks-01, ${SUB})`);
    assert.equal(definition.description, docs.Description);
    assert.equal(definition.roleType, "CustomRole");
    assert.equal(definition.scope, groupId("prod_aks-01"));
    assert.deepEqual(definition.assignableScopes, [groupId("prod_aks-01"), groupId("prod_aks-01-network")]);
    const roleId = cloud({ type: T.roleDefinition, name: "", inputs: definition })!.id;
    const assignments = ofType(declared, T.roleAssignment).filter((a) => a.inputs.roleDefinitionId === roleId);
    assert.deepEqual(assignments.map((a) => [a.inputs.principalId, a.inputs.principalType, a.inputs.scope]), [
        ["controller-principal", "ServicePrincipal", groupId("prod_aks-01")],
        ["controller-principal", "ServicePrincipal", `${groupId("prod_aks-01-network")}/providers/Microsoft.Network/virtualNetworks/prod_aks-01-vnet`],
    ]);
    assert.equal(ofType(declared, T.roleAssignment).length, 3, "the controller's two and the cluster's subnet role");
});

test("a docs role that is not one, or that grows exclusions the stack would drop, is refused", () => {
    assert.throws(() => docsRole("# Azure\n"), /no heading "### Least privilege/);
    const block = (json: unknown) => `${ROLE_HEADING}\n\n\`\`\`json\n${JSON.stringify(json)}\n\`\`\`\n`;
    assert.throws(() => docsRole(block({ Name: "x", Description: "y", Actions: [] })), /not a role definition/);
    assert.throws(() => docsRole(block({ Name: "x", Description: "y", Actions: ["a"], NotActions: ["b"] })), /has NotActions/);
    assert.deepEqual(docsRole(block({ Name: "x", Description: "y", Actions: ["a"], AssignableScopes: [] })).Actions, ["a"]);
});

test("CloudIngress: deploy/'s objects with --provider=azure and its flags, the identity on its ServiceAccount, the workload identity label on its pods", async () => {
    const { declared, outputs } = await run({ "cloudingress:extraArgs": ["--azure-appgw-sku=WAF_v2"] });
    const objects = k8sObjects(declared);
    assert.deepEqual(differences(readDeploy(), objects), [...CLOUD_STACK_CHANGES, "Deployment cloudingress/cloudingress: spec.template.metadata.labels.azure.workload.identity/use"].sort());
    const deployment = objects.find((o) => o.kind === "Deployment")!;
    const container = at(deployment, "spec.template.spec.containers[0]");
    assert.equal(container.image, "myregistry.azurecr.io/cloudingress:0.1.0");
    const subnets = subnetIds(declared);
    assert.deepEqual(container.args.slice(0, 8), [
        "run",
        "--provider=azure",
        "--cluster-name=prod_aks-01",
        `--azure-subscription=${SUB}`,
        "--azure-resource-group=prod_aks-01",
        "--azure-location=westeurope",
        `--azure-appgw-subnet=${subnets.appgw}`,
        `--azure-lb-subnet=${subnets["internal-lb"]}`,
    ]);
    assert.equal(container.args.at(-1), "--azure-appgw-sku=WAF_v2");
    assert.ok(!container.args.includes("--provider=kestrel"));
    assert.equal(deployment.spec.template.metadata.labels["azure.workload.identity/use"], "true");
    assert.equal(deployment.spec.selector.matchLabels["azure.workload.identity/use"], undefined, "the selector is deploy/'s");
    assert.deepEqual(objects.find((o) => o.kind === "ServiceAccount")!.metadata.annotations, { "azure.workload.identity/client-id": "controller-client-id" });
    assert.equal(objects.find((o) => o.kind === "Service")!.spec.type, "ClusterIP");
    assert.deepEqual([outputs.controllerNamespace, outputs.ingressClassName], ["cloudingress", "cloudingress"]);
});

test("Kubernetes is reached with the cluster's user credentials, kept secret", async () => {
    const { declared } = await run();
    const provider = one(declared, "pulumi:providers:kubernetes");
    assert.equal(provider.inputs.kubeconfig.value, KUBECONFIG);
    assert.equal(provider.inputs.kubeconfig["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "marked secret");
    assert.ok(declared.filter((d) => d.type.startsWith("kubernetes:")).every((d) => d.provider?.includes("pulumi:providers:kubernetes::prod_aks-01-k8s::")));
});

test("bad configuration fails with every problem named, before any resource is declared", async () => {
    const declared = await mock("cloudingress-aks", {
        "azure-native:location": "West Europe",
        "cloudingress-aks:vnetCidr": "10.224.0.1/16",
        "cloudingress-aks:nodeCount": "0",
        "cloudingress:image": "cloudingress",
    }, azure);
    assert.throws(() => aksStack(), (e: unknown) => {
        assert.ok(e instanceof StackConfigError);
        assert.match(e.message, /^invalid stack configuration:/);
        assert.deepEqual(e.problems.map((p) => p.split(/[ :]/).slice(0, 2).join(":")), [
            "azure-native:location", "cloudingress-aks:clusterName", "cloudingress-aks:vnetCidr", "cloudingress-aks:nodeCount", "cloudingress:image",
        ]);
        assert.match(e.problems[0], /"West Europe" is not an Azure region name such as westeurope/);
        assert.match(e.problems[1], /cloudingress-aks:clusterName is required: the AKS cluster's name/);
        assert.match(e.problems[2], /"10.224.0.1\/16" has host bits set; the block is 10.224.0.0\/16/);
        assert.match(e.problems[4], /"cloudingress" has no tag or digest/);
        return true;
    });
    await settle(declared);
    assert.deepEqual(declared, []);
});

test("names, sizes and address ranges Azure would refuse are caught in config", async () => {
    const problems = (overrides: Record<string, unknown>) => configProblems("cloudingress-aks", { ...config, ...overrides }, aksStack, azure);
    assert.match((await problems({ "cloudingress-aks:clusterName": "-bad" }))[0], /"-bad" is not an AKS cluster name/);
    assert.match((await problems({ "cloudingress-aks:clusterName": "a".repeat(64) }))[0], /1 to 63 letters/);
    assert.match((await problems({ "cloudingress-aks:vnetCidr": "10.0.0.0/8" }))[0], /the virtual network must be \/16 to \/20/);
    assert.match((await problems({ "cloudingress-aks:vnetCidr": "10.0.0.0/22" }))[0], /the virtual network must be \/16 to \/20/);
    assert.match((await problems({ "cloudingress-aks:serviceCidr": "10.224.0.0/24" }))[0], /overlaps vnetCidr \(10.224.0.0\/16\)/);
    assert.match((await problems({ "cloudingress-aks:serviceCidr": "172.30.0.0/16" }))[0], /overlaps 172.30.0.0\/16, which AKS reserves/);
    assert.match((await problems({ "cloudingress-aks:kubernetesVersion": "1.29" }))[0], /needs Kubernetes 1.30 or later/);
    assert.match((await problems({ "cloudingress-aks:networkResourceGroupName": "PROD_AKS-01" }))[0], /also resourceGroupName/);
    assert.match((await problems({ "cloudingress-aks:resourceGroupName": "ends." }))[0], /not a resource group name/);
    assert.match((await problems({ "cloudingress-aks:nodeMaxCount": "1", "cloudingress-aks:nodeCount": "3" }))[0], /1 is less than nodeCount \(3\)/);
    assert.match((await problems({ "cloudingress-aks:authorizedIpRanges": ["2001:db8::/32"] }))[0], /not an IPv4 CIDR block/);
    assert.deepEqual(await problems({}), []);
});
