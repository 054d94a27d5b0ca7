// Stack configuration, read and checked as a whole before any resource is declared. Every
// problem found is collected, and all of them are reported together in one error that names
// each key (namespace:key), says what is wrong and what is expected.

import * as pulumi from "@pulumi/pulumi";
import { AddressSpan, parseCidr } from "./net";

/** Bad stack configuration. A RunError, so Pulumi prints the message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "StackConfigError";
    }
}

interface Describe {
    /** What the key is for, said when it is missing. */
    what: string;
}

/** Where values come from: Pulumi's stack config, or a map in unit tests. */
export type ConfigSource = (namespace: string, key: string) => string | undefined;

const stackConfig: ConfigSource = (namespace, key) => new pulumi.Config(namespace).get(key);

/** Reads the keys of one config namespace (`cloudingress`, `cloudingress-eks`, …) and collects problems. */
export class ConfigReader {
    private readonly problems: string[];

    constructor(
        readonly namespace: string,
        private readonly source: ConfigSource = stackConfig,
        problems?: string[],
    ) {
        this.problems = problems ?? [];
    }

    /** A reader of another namespace that reports into the same list of problems. */
    sibling(namespace: string): ConfigReader {
        return new ConfigReader(namespace, this.source, this.problems);
    }

    private raw(key: string): string | undefined {
        return this.source(this.namespace, key);
    }

    name(key: string): string {
        return `${this.namespace}:${key}`;
    }

    problem(key: string, message: string): void {
        this.problems.push(`${this.name(key)}: ${message}`);
    }

    /** Throws a StackConfigError listing every problem found so far, if any. */
    check(): void {
        if (this.problems.length > 0) throw new StackConfigError([...this.problems]);
    }

    private missing(key: string, d: Describe): undefined {
        this.problems.push(`${this.name(key)} is required: ${d.what} (pulumi config set ${this.namespace}:${key} VALUE)`);
        return undefined;
    }

    has(key: string): boolean {
        const v = this.raw(key);
        return v !== undefined && v !== "";
    }

    requiredString(key: string, d: Describe & { pattern?: RegExp; expected?: string }): string {
        const v = this.raw(key);
        if (v === undefined || v.trim() === "") return this.missing(key, d) ?? "";
        if (d.pattern && !d.pattern.test(v)) this.problem(key, `"${v}" is not ${d.expected}`);
        return v;
    }

    optionalString(key: string, d: { pattern?: RegExp; expected?: string } = {}): string | undefined {
        const v = this.raw(key);
        if (v === undefined || v === "") return undefined;
        if (d.pattern && !d.pattern.test(v)) this.problem(key, `"${v}" is not ${d.expected}`);
        return v;
    }

    integer(key: string, fallback: number, range: { min: number; max: number; why?: string }): number {
        const v = this.raw(key);
        if (v === undefined || v === "") return fallback;
        const n = Number(v);
        if (!/^-?\d+$/.test(v.trim()) || n < range.min || n > range.max) {
            this.problem(key, `"${v}" is not a whole number from ${range.min} to ${range.max}${range.why ? ` (${range.why})` : ""}`);
            return fallback;
        }
        return n;
    }

    boolean(key: string, fallback: boolean): boolean {
        const v = this.raw(key);
        if (v === undefined || v === "") return fallback;
        if (v !== "true" && v !== "false") {
            this.problem(key, `"${v}" is not true or false`);
            return fallback;
        }
        return v === "true";
    }

    /** A structured value (a YAML list or map in Pulumi.<stack>.yaml reaches the program as JSON). */
    structured(key: string): unknown {
        const v = this.raw(key);
        if (v === undefined || v === "") return undefined;
        try {
            return JSON.parse(v);
        } catch {
            return v; // a plain string where a list or map was expected: the caller says what it wanted
        }
    }

    stringList(key: string, fallback: string[], d: { pattern?: RegExp; expected?: string } = {}): string[] {
        const v = this.structured(key);
        if (v === undefined) return fallback;
        if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) {
            this.problem(key, `must be a list of strings${d.expected ? ` (each ${d.expected})` : ""}`);
            return fallback;
        }
        if (d.pattern) {
            for (const s of v as string[]) if (!d.pattern.test(s)) this.problem(key, `"${s}" is not ${d.expected}`);
        }
        return v as string[];
    }

    /** An IPv4 or IPv6 CIDR block; `family` narrows it. */
    cidr(key: string, fallback: string, family?: 4 | 6): { text: string; span: AddressSpan; prefix: number } {
        const v = this.optionalString(key) ?? fallback;
        return this.checkCidr(key, v, family) ?? { text: fallback, ...(parseCidr(fallback) as { span: AddressSpan; prefix: number }) };
    }

    checkCidr(key: string, text: string, family?: 4 | 6): { text: string; span: AddressSpan; prefix: number } | undefined {
        const parsed = parseCidr(text);
        if (parsed.error) {
            this.problem(key, parsed.error);
            return undefined;
        }
        if (family && parsed.span!.family !== family) {
            this.problem(key, `"${text}" is not an IPv${family} CIDR block`);
            return undefined;
        }
        return { text: text.trim(), span: parsed.span!, prefix: parsed.prefix! };
    }
}

/** DNS-1123 label: Kubernetes object names such as MetalLB pools. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
