// `pulumi up` in infra/aks runs this. See infra/README.md for the configuration keys.
import { aksStack } from "./stack";

const stack = aksStack();

export const clusterName = stack.clusterName;
export const resourceGroupName = stack.resourceGroupName;
export const networkResourceGroupName = stack.networkResourceGroupName;
export const vnetId = stack.vnetId;
export const appGatewaySubnetId = stack.appGatewaySubnetId;
export const loadBalancerSubnetId = stack.loadBalancerSubnetId;
export const oidcIssuerUrl = stack.oidcIssuerUrl;
export const controllerNamespace = stack.controllerNamespace;
export const ingressClassName = stack.ingressClassName;
export const identityClientId = stack.identityClientId;
export const roleDefinitionId = stack.roleDefinitionId;
