// `pulumi up` in infra/eks runs this. See infra/README.md for the configuration keys.
import { eksStack } from "./stack";

const stack = eksStack();

export const clusterName = stack.clusterName;
export const kubeconfig = stack.kubeconfig;
export const vpcId = stack.vpcId;
export const publicSubnetIds = stack.publicSubnetIds;
export const privateSubnetIds = stack.privateSubnetIds;
export const controllerNamespace = stack.controllerNamespace;
export const ingressClassName = stack.ingressClassName;
export const roleArn = stack.roleArn;
