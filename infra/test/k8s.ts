// Comparing what a stack declares with deploy/: the Kubernetes objects among the declared
// resources, and the paths where two sets of objects differ.

import { K8sObject, objectId } from "../common/deploy";
import { Declared } from "./harness";

/** The Kubernetes objects among the declared resources (inputs as the provider would receive them). */
export function k8sObjects(declared: Declared[]): K8sObject[] {
    return declared
        .filter((d) => d.type.startsWith("kubernetes:") && d.inputs.apiVersion && d.inputs.kind)
        .map((d) => d.inputs as K8sObject);
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Every place `after` differs from `before`: `+ Kind ns/name` for an added object, `- …` for a
 * removed one, `Kind ns/name: a.b[0].c` for a changed, added or removed value. A list of plain
 * values (args) counts as one value.
 */
export function differences(before: K8sObject[], after: K8sObject[]): string[] {
    const a = new Map(before.map((o) => [objectId(o), o]));
    const b = new Map(after.map((o) => [objectId(o), o]));
    const out: string[] = [];
    for (const id of b.keys()) if (!a.has(id)) out.push(`+ ${id}`);
    for (const id of a.keys()) if (!b.has(id)) out.push(`- ${id}`);
    const walk = (x: unknown, y: unknown, id: string, path: string) => {
        if (isPlain(x) && isPlain(y)) {
            for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], id, path ? `${path}.${k}` : k);
        } else if (Array.isArray(x) && Array.isArray(y) && [...x, ...y].some((e) => typeof e === "object" && e !== null)) {
            for (let i = 0; i < Math.max(x.length, y.length); i++) walk(x[i], y[i], id, `${path}[${i}]`);
        } else if (JSON.stringify(x) !== JSON.stringify(y)) {
            out.push(`${id}: ${path}`);
        }
    };
    for (const [id, o] of a) if (b.has(id)) walk(o, b.get(id), id, "");
    return out.sort();
}

/** The value at a path as `differences` writes it (a.b[0].c). */
export function at(o: unknown, path: string): any {
    return path.split(/\.|(?=\[)/).reduce<any>((v, part) => {
        if (v === undefined) return undefined;
        const index = /^\[(\d+)\]$/.exec(part);
        return index ? v[Number(index[1])] : v[part];
    }, o);
}

/** What a cloud stack (EKS, AKS) changes in deploy/: its provider flags, the image, a ClusterIP proxy Service, the identity on the ServiceAccount. */
export const CLOUD_STACK_CHANGES = [
    "Deployment cloudingress/cloudingress: spec.template.spec.containers[0].args",
    "Deployment cloudingress/cloudingress: spec.template.spec.containers[0].image",
    "Service cloudingress/cloudingress: spec.externalTrafficPolicy",
    "Service cloudingress/cloudingress: spec.type",
    "ServiceAccount cloudingress/cloudingress: metadata.annotations",
];
