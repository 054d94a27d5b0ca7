// deploy/*.yaml is the one source of the CloudIngress install: `kubectl apply -f deploy/` uses
// it as it is, and every stack declares the same objects from it with a few documented changes
// (install.ts). Reading it here, not copying it, is what keeps the two from drifting.

import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";

/** The repository root: infra/common/ is two levels below it. */
export const repoRoot = path.resolve(__dirname, "..", "..");

export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, any>;
    [key: string]: unknown;
}

/** A Kubernetes object as plain data; leaves may be Pulumi inputs once a stack changed them. */
export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: ObjectMeta;
    [key: string]: any;
}

/** Every object of deploy/*.yaml, files in name order (the order `kubectl apply -f deploy/` uses). */
export function readDeploy(dir: string = path.join(repoRoot, "deploy")): K8sObject[] {
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    if (files.length === 0) throw new Error(`${dir}: no YAML files; the install is read from deploy/`);
    const objects: K8sObject[] = [];
    for (const file of files) {
        for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"))) {
            if (doc.errors.length > 0) throw new Error(`${path.join(dir, file)}: ${doc.errors[0].message}`);
            const o = doc.toJS();
            if (o === null || o === undefined) continue;
            if (!o.apiVersion || !o.kind || !o.metadata?.name) {
                throw new Error(`${path.join(dir, file)}: a document without apiVersion, kind or metadata.name`);
            }
            objects.push(o as K8sObject);
        }
    }
    return objects;
}

export const objectId = (o: K8sObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
