// The controller's custom role is the one docs/azure.md shows, read from the docs at deploy time,
// so the docs and the stack cannot drift (as eks/policy.ts does for the IAM policy).

import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../common/deploy";
import { jsonBlockAfter } from "../common/markdown";

export const docsPath = path.join(repoRoot, "docs", "azure.md");
export const ROLE_HEADING = "### Least privilege: a custom role with exactly the actions used";

/** An Azure custom role definition as `az role definition create --role-definition` takes it. */
export interface DocsRole {
    Name: string;
    Description: string;
    Actions: string[];
    AssignableScopes: string[];
}

/** The docs' role, as written. Refuses a block that is not a role with actions only (no data actions, no exclusions to lose). */
export function docsRole(markdown: string = fs.readFileSync(docsPath, "utf8")): DocsRole {
    const role = jsonBlockAfter(markdown, ROLE_HEADING, "docs/azure.md") as Partial<DocsRole> & Record<string, unknown>;
    const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((a) => typeof a === "string" && a.length > 0);
    if (!role || typeof role.Name !== "string" || typeof role.Description !== "string" || !strings(role.Actions)) {
        throw new Error(`docs/azure.md: the block under "${ROLE_HEADING}" is not a role definition with Name, Description and Actions`);
    }
    const unknown = Object.keys(role).filter((k) => !["Name", "Description", "Actions", "AssignableScopes"].includes(k));
    if (unknown.length > 0) {
        // NotActions or DataActions would change what the role grants; the stack would have to carry them too.
        throw new Error(`docs/azure.md: the role has ${unknown.join(", ")}, which infra/aks/role.ts does not carry; update it with the docs`);
    }
    if (new Set(role.Actions).size !== role.Actions!.length) throw new Error("docs/azure.md: the role lists an action twice");
    return role as DocsRole;
}
