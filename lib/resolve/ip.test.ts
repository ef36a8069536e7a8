import { describe, expect, it } from 'vitest';
import { canonicalIp, cidrContains, cidrHost, commonPrefixLength, parseCidr, parseIp } from './ip';

describe('canonicalIp', () => {
  it('keeps valid IPv4 and refuses malformed or ambiguous ones', () => {
    expect(canonicalIp('10.244.1.3')).toBe('10.244.1.3');
    expect(canonicalIp('256.1.1.1')).toBeNull();
    expect(canonicalIp('10.244.1')).toBeNull();
    expect(canonicalIp('010.1.1.1')).toBeNull();
    expect(canonicalIp('10.244.1.3 ')).toBeNull();
  });

  it('spells IPv6 the RFC 5952 way', () => {
    expect(canonicalIp('FD00:0:0:0::0:1')).toBe('fd00::1');
    expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('::')).toBe('::');
    expect(canonicalIp('1::2::3')).toBeNull();
  });
});

describe('CIDRs', () => {
  it('clears host bits and finds the gateway and network address', () => {
    const cidr = parseCidr('10.244.1.77/24');
    expect(cidr).not.toBeNull();
    if (!cidr) return;
    expect(cidrHost(cidr, 0)).toBe('10.244.1.0');
    expect(cidrHost(cidr, 1)).toBe('10.244.1.1');
    expect(cidrContains(cidr, parseIp('10.244.1.250')!)).toBe(true);
    expect(cidrContains(cidr, parseIp('10.244.2.1')!)).toBe(false);
    expect(cidrContains(cidr, parseIp('fd00::1')!)).toBe(false);
  });

  it('handles IPv6 ranges and refuses bad prefixes', () => {
    const cidr = parseCidr('fd00:10:244:1::/64');
    expect(cidr && cidrHost(cidr, 1)).toBe('fd00:10:244:1::1');
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(parseCidr('10.0.0.0')).toBeNull();
  });

  it('measures shared leading bits', () => {
    expect(commonPrefixLength(parseIp('192.168.56.12')!, parseIp('192.168.56.1')!)).toBe(28);
    expect(commonPrefixLength(parseIp('192.168.56.12')!, parseIp('192.168.56.12')!)).toBe(32);
    expect(commonPrefixLength(parseIp('10.0.0.1')!, parseIp('fd00::1')!)).toBe(0);
  });
});
