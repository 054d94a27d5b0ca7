// The bare-metal stack's configuration (cloudingress-baremetal:* and the shared cloudingress:*),
// checked as a whole before anything is declared. MetalLB's own rules are applied here too
// (pool names, address syntax, no overlap between pools, advertisements naming real pools), so
// a mistake is one message from `pulumi up` instead of a webhook refusal halfway through.

import { ConfigReader, DNS_LABEL } from "../common/config";
import { readSharedConfig, SharedConfig } from "../common/install";
import { AddressSpan, contains, overlaps, parseAddress, parseAddressRange } from "../common/net";

export const PROJECT = "cloudingress-baremetal";

export interface Pool {
    name: string;
    addresses: string[];
    autoAssign?: boolean;
    avoidBuggyIPs?: boolean;
}

export interface L2Advertisement {
    name: string;
    ipAddressPools?: string[];
    interfaces?: string[];
}

export interface BgpAdvertisement {
    name: string;
    ipAddressPools?: string[];
    aggregationLength?: number;
    aggregationLengthV6?: number;
    localPref?: number;
    communities?: string[];
    peers?: string[];
}

export interface BareMetalConfig {
    /** Whether a kubeconfig is configured (its value is read as a secret by the stack). */
    kubeconfig: boolean;
    context?: string;
    installMetallb: boolean;
    metallbVersion: string;
    metallbNamespace: string;
    pools: Pool[];
    l2Advertisements: L2Advertisement[];
    bgpAdvertisements: BgpAdvertisement[];
    proxyPool?: string;
    proxyAddresses: string[];
    install: SharedConfig;
}

type Field = "string" | "boolean" | "integer" | "strings";

/** Checks one list entry (a map) against its allowed fields; unknown fields are typos and refused. */
function entries(read: ConfigReader, key: string, fields: Record<string, Field>, required: string[]): Record<string, any>[] {
    const value = read.structured(key);
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((e) => typeof e !== "object" || e === null || Array.isArray(e))) {
        read.problem(key, "must be a list of maps");
        return [];
    }
    const good: Record<string, any>[] = [];
    value.forEach((entry: Record<string, unknown>, i) => {
        const where = typeof entry.name === "string" ? `"${entry.name}"` : `entry ${i + 1}`;
        let ok = true;
        for (const f of required) {
            if (entry[f] === undefined) {
                read.problem(key, `${where} has no ${f}`);
                ok = false;
            }
        }
        for (const [f, v] of Object.entries(entry)) {
            const type = fields[f];
            const fine = type === "string" ? typeof v === "string"
                : type === "boolean" ? typeof v === "boolean"
                : type === "integer" ? Number.isInteger(v)
                : type === "strings" ? Array.isArray(v) && v.every((s) => typeof s === "string")
                : false;
            if (!type) read.problem(key, `${where}: unknown field "${f}" (known: ${Object.keys(fields).join(", ")})`);
            else if (!fine) read.problem(key, `${where}: ${f} must be ${type === "strings" ? "a list of strings" : type === "integer" ? "a whole number" : `a ${type}`}`);
            ok &&= Boolean(type) && fine;
        }
        if (ok) good.push(entry);
    });
    const names = good.map((e) => e.name as string);
    for (const n of names) {
        if (!DNS_LABEL.test(n)) read.problem(key, `"${n}" is not a Kubernetes object name (lower-case letters, digits and -, at most 63)`);
    }
    for (const n of new Set(names.filter((n, i) => names.indexOf(n) !== i))) read.problem(key, `"${n}" is declared twice`);
    return good;
}

export function readBareMetalConfig(read: ConfigReader = new ConfigReader(PROJECT)): BareMetalConfig {
    const context = read.optionalString("context");
    const installMetallb = read.boolean("installMetallb", false);
    const metallbVersion = read.optionalString("metallbVersion", { pattern: /^\d+\.\d+\.\d+$/, expected: "a MetalLB chart version such as 0.15.3" }) ?? "0.15.3";
    const metallbNamespace = read.optionalString("metallbNamespace", { pattern: DNS_LABEL, expected: "a namespace name" }) ?? "metallb-system";

    // Pools: MetalLB's syntax (a CIDR block or first-last), and no address in two pools.
    const declaredPools = read.structured("pools");
    if (declaredPools === undefined || (Array.isArray(declaredPools) && declaredPools.length === 0)) {
        read.problem("pools", "at least one MetalLB address pool is required, e.g. [{name: public, addresses: [192.168.10.240-192.168.10.250]}]");
    }
    const pools = entries(read, "pools", { name: "string", addresses: "strings", autoAssign: "boolean", avoidBuggyIPs: "boolean" }, ["name", "addresses"]) as Pool[];
    const spans: { pool: string; span: AddressSpan }[] = [];
    for (const pool of pools) {
        if (pool.addresses.length === 0) read.problem("pools", `"${pool.name}" has no addresses`);
        for (const text of pool.addresses) {
            const parsed = parseAddressRange(text);
            if (parsed.error) {
                read.problem("pools", `"${pool.name}": ${parsed.error}`);
                continue;
            }
            const clash = spans.find((s) => overlaps(s.span, parsed.span!));
            if (clash) read.problem("pools", `"${pool.name}": ${text} overlaps ${clash.pool === pool.name ? "another range of the same pool" : `pool "${clash.pool}"`} (${clash.span.text}); MetalLB refuses overlapping pools`);
            spans.push({ pool: pool.name, span: parsed.span! });
        }
    }
    const poolNames = new Set(pools.map((p) => p.name));

    const advertisementPools = (key: string, ads: { name: string; ipAddressPools?: string[] }[]) => {
        for (const ad of ads) {
            for (const p of ad.ipAddressPools ?? []) if (!poolNames.has(p)) read.problem(key, `"${ad.name}" advertises pool "${p}", which is not in pools`);
        }
    };
    const l2Advertisements = entries(read, "l2Advertisements", { name: "string", ipAddressPools: "strings", interfaces: "strings" }, ["name"]) as L2Advertisement[];
    advertisementPools("l2Advertisements", l2Advertisements);
    const bgpAdvertisements = entries(read, "bgpAdvertisements", {
        name: "string", ipAddressPools: "strings", aggregationLength: "integer", aggregationLengthV6: "integer", localPref: "integer", communities: "strings", peers: "strings",
    }, ["name"]) as BgpAdvertisement[];
    advertisementPools("bgpAdvertisements", bgpAdvertisements);
    for (const ad of bgpAdvertisements) {
        if (ad.aggregationLength !== undefined && (ad.aggregationLength < 1 || ad.aggregationLength > 32)) read.problem("bgpAdvertisements", `"${ad.name}": aggregationLength must be 1 to 32`);
        if (ad.aggregationLengthV6 !== undefined && (ad.aggregationLengthV6 < 1 || ad.aggregationLengthV6 > 128)) read.problem("bgpAdvertisements", `"${ad.name}": aggregationLengthV6 must be 1 to 128`);
        if (ad.localPref !== undefined && (ad.localPref < 0 || ad.localPref > 4294967295)) read.problem("bgpAdvertisements", `"${ad.name}": localPref must fit in 32 bits`);
    }
    if (!read.has("l2Advertisements") && !read.has("bgpAdvertisements")) {
        l2Advertisements.push({ name: "cloudingress-l2" }); // none given: announce every pool on the local network (L2)
    }

    // The proxy Service: a pool to take its address from, and/or the address(es) it must get.
    const proxyPool = read.optionalString("proxyPool");
    if (proxyPool && pools.length > 0 && !poolNames.has(proxyPool)) read.problem("proxyPool", `"${proxyPool}" is not in pools (${[...poolNames].join(", ")})`);
    const proxyAddresses = read.has("proxyAddress") ? read.optionalString("proxyAddress")!.split(",").map((s) => s.trim()) : [];
    for (const text of proxyAddresses) {
        const address = parseAddress(text);
        if (!address) {
            read.problem("proxyAddress", `"${text}" is not an IP address`);
            continue;
        }
        const home = spans.filter((s) => contains(s.span, address)).map((s) => s.pool);
        if (home.length === 0 && spans.length > 0) read.problem("proxyAddress", `${text} is in no pool; MetalLB would leave the proxy Service pending`);
        else if (proxyPool && home.length > 0 && !home.includes(proxyPool)) read.problem("proxyAddress", `${text} is in pool "${home[0]}", not in proxyPool "${proxyPool}"`);
    }
    if (proxyAddresses.length === 2 && parseAddress(proxyAddresses[0])?.family === parseAddress(proxyAddresses[1])?.family) {
        read.problem("proxyAddress", "two addresses must be one IPv4 and one IPv6 (dual stack)");
    } else if (proxyAddresses.length > 2) {
        read.problem("proxyAddress", "at most one IPv4 and one IPv6 address");
    }

    const install = readSharedConfig(read);
    read.check();
    return {
        kubeconfig: read.has("kubeconfig"),
        context,
        installMetallb,
        metallbVersion,
        metallbNamespace,
        pools,
        l2Advertisements,
        bgpAdvertisements,
        proxyPool,
        proxyAddresses,
        install,
    };
}
