// `pulumi up` in infra/baremetal runs this. See infra/README.md for the configuration keys.
import { bareMetalStack } from "./stack";

const stack = bareMetalStack();

export const controllerNamespace = stack.controllerNamespace;
export const ingressClassName = stack.ingressClassName;
export const proxyAddress = stack.proxyAddress;
export const metallbNamespace = stack.metallbNamespace;
export const pools = stack.pools;
