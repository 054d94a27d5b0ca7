// IP addresses, CIDR blocks and address ranges, parsed strictly so that a typo in stack config
// is refused with a message before anything is declared. Addresses are BigInts: IPv4 and IPv6
// share one code path.

import { isIPv4, isIPv6 } from "node:net";

export type Family = 4 | 6;

export interface Address {
    family: Family;
    value: bigint;
}

/** An inclusive span of addresses of one family: a CIDR block or a `first-last` range. */
export interface AddressSpan {
    family: Family;
    first: bigint;
    last: bigint;
    /** As written in config (trimmed). */
    text: string;
}

const bits = (family: Family) => (family === 4 ? 32 : 128);

/** Parses one IPv4 or IPv6 address; undefined when it is not one. */
export function parseAddress(text: string): Address | undefined {
    const t = text.trim();
    if (isIPv4(t)) {
        return { family: 4, value: t.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n) };
    }
    if (isIPv6(t) && !t.includes("%")) {
        return { family: 6, value: ipv6ToBigInt(t) };
    }
    return undefined;
}

function ipv6ToBigInt(text: string): bigint {
    // An embedded IPv4 tail (::ffff:10.0.0.1) is two groups.
    const lastColon = text.lastIndexOf(":");
    const tail = text.slice(lastColon + 1);
    let head = text;
    let v4: bigint | undefined;
    if (tail.includes(".")) {
        v4 = parseAddress(tail)!.value;
        head = text.slice(0, lastColon + 1) + "0:0";
    }
    const [left, right] = head.split("::");
    const l = left ? left.split(":") : [];
    const r = right !== undefined ? (right ? right.split(":") : []) : [];
    const groups = right !== undefined ? [...l, ...Array(8 - l.length - r.length).fill("0"), ...r] : l;
    let value = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
    if (v4 !== undefined) {
        value = (value & ~0xffffffffn) | v4;
    }
    return value;
}

/** Formats an address the canonical way (IPv6 compressed like `node:net` would print it). */
export function formatAddress(a: Address): string {
    if (a.family === 4) {
        return [24n, 16n, 8n, 0n].map((s) => String((a.value >> s) & 0xffn)).join(".");
    }
    const groups = Array.from({ length: 8 }, (_, i) => Number((a.value >> BigInt(112 - 16 * i)) & 0xffffn));
    // The longest run of two or more zero groups becomes "::".
    let best = { start: -1, length: 0 };
    for (let i = 0; i < 8; ) {
        if (groups[i] !== 0) {
            i++;
            continue;
        }
        let j = i;
        while (j < 8 && groups[j] === 0) j++;
        if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
        i = j;
    }
    const hex = groups.map((g) => g.toString(16));
    if (best.start < 0) return hex.join(":");
    return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/**
 * Parses `address/prefix`. Host bits must be zero: `10.0.0.1/16` is refused with the block it
 * probably means, since a stack that silently widened or moved a block would surprise.
 */
export function parseCidr(text: string): { span?: AddressSpan; prefix?: number; error?: string } {
    const t = text.trim();
    const slash = t.indexOf("/");
    if (slash < 0) return { error: `"${t}" is not a CIDR block (address/prefix, e.g. 10.0.0.0/16)` };
    const address = parseAddress(t.slice(0, slash));
    const prefixText = t.slice(slash + 1);
    if (!address) return { error: `"${t}" is not a CIDR block: "${t.slice(0, slash)}" is not an IP address` };
    const max = bits(address.family);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
        return { error: `"${t}" is not a CIDR block: the prefix length must be 0 to ${max}` };
    }
    const prefix = Number(prefixText);
    const hostMask = (1n << BigInt(max - prefix)) - 1n;
    if ((address.value & hostMask) !== 0n) {
        const network = formatAddress({ family: address.family, value: address.value & ~hostMask });
        return { error: `"${t}" has host bits set; the block is ${network}/${prefix}` };
    }
    return { span: { family: address.family, first: address.value, last: address.value | hostMask, text: t }, prefix };
}

/** Parses an address range as MetalLB takes them: a CIDR block, or `first-last` of one family, first ≤ last. */
export function parseAddressRange(text: string): { span?: AddressSpan; error?: string } {
    const t = text.trim();
    if (t.includes("/")) return parseCidr(t);
    const parts = t.split("-");
    if (parts.length !== 2) {
        return { error: `"${t}" is neither a CIDR block (10.0.0.0/24) nor a range (10.0.0.10-10.0.0.20)` };
    }
    const [first, last] = parts.map(parseAddress);
    if (!first || !last) {
        const bad = !first ? parts[0].trim() : parts[1].trim();
        return { error: `"${t}" is not an address range: "${bad}" is not an IP address` };
    }
    if (first.family !== last.family) return { error: `"${t}" mixes IPv4 and IPv6` };
    if (first.value > last.value) return { error: `"${t}" ends before it starts` };
    return { span: { family: first.family, first: first.value, last: last.value, text: t } };
}

export const overlaps = (a: AddressSpan, b: AddressSpan) => a.family === b.family && a.first <= b.last && b.first <= a.last;

export const contains = (span: AddressSpan, a: Address) => span.family === a.family && span.first <= a.value && a.value <= span.last;

/** The `index`-th block of prefix length `prefix` inside `span` (which must be a CIDR block). */
export function subBlock(span: AddressSpan, prefix: number, index: number): string {
    const size = 1n << BigInt(bits(span.family) - prefix);
    const first = span.first + size * BigInt(index);
    if (first + size - 1n > span.last) {
        throw new Error(`block ${index} of /${prefix} does not fit in ${span.text}`);
    }
    return `${formatAddress({ family: span.family, value: first })}/${prefix}`;
}
