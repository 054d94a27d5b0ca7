// Addresses, CIDR blocks and ranges as stack config gives them.

import assert from "node:assert/strict";
import { test } from "node:test";
import { contains, formatAddress, overlaps, parseAddress, parseAddressRange, parseCidr, subBlock } from "../common/net";

test("IPv4 and IPv6 addresses parse and print canonically", () => {
    assert.deepEqual(parseAddress("10.0.0.1"), { family: 4, value: 0x0a000001n });
    assert.equal(parseAddress("10.0.0.256"), undefined);
    assert.equal(parseAddress("fe80::1%eth0"), undefined);
    for (const [text, canonical] of [["2001:DB8:0:0:0:0:0:1", "2001:db8::1"], ["::", "::"], ["::ffff:192.0.2.1", "::ffff:c000:201"], ["fd00:0:0:1::", "fd00:0:0:1::"], ["1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"]]) {
        assert.equal(formatAddress(parseAddress(text)!), canonical, text);
    }
});

test("CIDR blocks: prefix in range, host bits zero", () => {
    assert.deepEqual(parseCidr("192.168.10.0/24").span, { family: 4, first: 0xc0a80a00n, last: 0xc0a80affn, text: "192.168.10.0/24" });
    assert.equal(parseCidr("2001:db8::/64").prefix, 64);
    assert.match(parseCidr("10.0.0.0").error!, /not a CIDR block \(address\/prefix/);
    assert.match(parseCidr("10.0.0.0/33").error!, /prefix length must be 0 to 32/);
    assert.match(parseCidr("2001:db8::/129").error!, /prefix length must be 0 to 128/);
    assert.match(parseCidr("10.0.0.0/-1").error!, /prefix length/);
    assert.match(parseCidr("10.0.0/24").error!, /"10.0.0" is not an IP address/);
    assert.match(parseCidr("192.168.10.7/24").error!, /host bits set; the block is 192.168.10.0\/24/);
    assert.match(parseCidr("2001:db8::1/64").error!, /the block is 2001:db8::\/64/);
});

test("ranges: first-last of one family, in order; or a CIDR block", () => {
    assert.deepEqual(parseAddressRange("192.168.10.10 - 192.168.10.20").span, { family: 4, first: 0xc0a80a0an, last: 0xc0a80a14n, text: "192.168.10.10 - 192.168.10.20" });
    assert.equal(parseAddressRange("fd00::10-fd00::20").span!.family, 6);
    assert.equal(parseAddressRange("10.0.0.0/30").span!.last, 0x0a000003n);
    assert.match(parseAddressRange("192.168.10.20-192.168.10.10").error!, /ends before it starts/);
    assert.match(parseAddressRange("192.168.10.1-fd00::1").error!, /mixes IPv4 and IPv6/);
    assert.match(parseAddressRange("192.168.10.1-192.168.10.300").error!, /"192.168.10.300" is not an IP address/);
    assert.match(parseAddressRange("pool").error!, /neither a CIDR block .* nor a range/);
});

test("overlap, containment and sub-blocks", () => {
    const a = parseAddressRange("10.0.0.0/24").span!;
    assert.ok(overlaps(a, parseAddressRange("10.0.0.255-10.0.1.5").span!));
    assert.ok(!overlaps(a, parseAddressRange("10.0.1.0/24").span!));
    assert.ok(!overlaps(a, parseAddressRange("::/0").span!));
    assert.ok(contains(a, parseAddress("10.0.0.7")!));
    assert.ok(!contains(a, parseAddress("10.0.1.7")!));
    assert.equal(subBlock(a, 26, 3), "10.0.0.192/26");
    assert.throws(() => subBlock(a, 26, 4), /does not fit/);
    assert.equal(subBlock(parseCidr("fd00::/48").span!, 64, 2), "fd00:0:0:2::/64");
});
