// MetalLB's configuration as metallb.io/v1beta1 objects, built once from stack config. The stack
// declares these objects, and the controller's --metallb-config file holds the same documents,
// so the pools MetalLB serves and the pools the controller predicts from cannot differ.

import { stringify } from "yaml";
import { K8sObject } from "../common/deploy";
import { BareMetalConfig } from "./config";

export const METALLB_API = "metallb.io/v1beta1";
/** Where the controller reads its MetalLB file (a ConfigMap mounted read-only). */
export const METALLB_CONFIG_MAP = "cloudingress-metallb";
export const METALLB_CONFIG_DIR = "/etc/cloudingress/metallb";
export const METALLB_CONFIG_FILE = "metallb.yaml";

const labels = { "app.kubernetes.io/part-of": "cloudingress" };

/** IPAddressPools, then L2Advertisements, then BGPAdvertisements, in config order. */
export function metallbObjects(cfg: BareMetalConfig): K8sObject[] {
    const meta = (name: string) => ({ name, namespace: cfg.metallbNamespace, labels: { ...labels } });
    const pools = cfg.pools.map((p): K8sObject => ({
        apiVersion: METALLB_API,
        kind: "IPAddressPool",
        metadata: meta(p.name),
        spec: {
            addresses: p.addresses.map((a) => a.trim()),
            ...(p.autoAssign !== undefined ? { autoAssign: p.autoAssign } : {}),
            ...(p.avoidBuggyIPs !== undefined ? { avoidBuggyIPs: p.avoidBuggyIPs } : {}),
        },
    }));
    // An advertisement without ipAddressPools announces every pool (MetalLB's rule).
    const l2 = cfg.l2Advertisements.map(({ name, ...spec }): K8sObject => ({ apiVersion: METALLB_API, kind: "L2Advertisement", metadata: meta(name), spec }));
    const bgp = cfg.bgpAdvertisements.map(({ name, ...spec }): K8sObject => ({ apiVersion: METALLB_API, kind: "BGPAdvertisement", metadata: meta(name), spec }));
    return [...pools, ...l2, ...bgp];
}

/** The --metallb-config file: the same objects as YAML documents. */
export function metallbConfigFile(objects: K8sObject[]): string {
    return objects.map((o) => stringify(o)).join("---\n");
}

/** The proxy Service's MetalLB annotations: which pool, which address(es). */
export function proxyServiceAnnotations(cfg: BareMetalConfig): Record<string, string> {
    return {
        ...(cfg.proxyPool ? { "metallb.io/address-pool": cfg.proxyPool } : {}),
        ...(cfg.proxyAddresses.length > 0 ? { "metallb.io/loadBalancerIPs": cfg.proxyAddresses.join(",") } : {}),
    };
}
