import { describe, expect, it } from 'vitest';
import { allocatePodIP, cidrContains, intToIp, ipToInt, parseCidr } from './ip-allocator';

describe('pod IP allocation', () => {
  it('never hands out the network address, the cni0 gateway or the broadcast address', () => {
    const given: string[] = [];
    const inUse = new Set<string>();
    for (;;) {
      const ip = allocatePodIP({ podCIDR: '10.244.1.0/29', inUse, reserved: new Set() });
      if (!ip) break;
      given.push(ip);
      inUse.add(ip);
    }
    expect(given).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5', '10.244.1.6']);
  });

  it('skips live pods and reserved scenario IPs', () => {
    const ip = allocatePodIP({
      podCIDR: '10.244.2.0/24',
      inUse: new Set(['10.244.2.2']),
      reserved: new Set(['10.244.2.3', '10.244.2.4']),
    });
    expect(ip).toBe('10.244.2.5');
  });

  it('continues after the last address handed out instead of reusing a freed one at once', () => {
    const next = allocatePodIP({
      podCIDR: '10.244.2.0/24',
      inUse: new Set(),
      reserved: new Set(),
      last: '10.244.2.7',
    });
    expect(next).toBe('10.244.2.8');
  });

  it('wraps around to the start of the range', () => {
    expect(
      allocatePodIP({
        podCIDR: '10.244.2.0/24',
        inUse: new Set(),
        reserved: new Set(),
        last: '10.244.2.254',
      }),
    ).toBe('10.244.2.2');
  });

  it('answers null when the range is full', () => {
    const inUse = new Set(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
    expect(allocatePodIP({ podCIDR: '10.0.0.0/29', inUse, reserved: new Set() })).toBeNull();
  });

  it('parses CIDRs and converts addresses', () => {
    expect(parseCidr('10.244.1.7/24')).toEqual({
      base: ipToInt('10.244.1.0'),
      size: 256,
      prefix: 24,
    });
    expect(intToIp(ipToInt('192.168.56.11'))).toBe('192.168.56.11');
    expect(cidrContains('10.244.0.0/16', '10.244.2.3')).toBe(true);
    expect(cidrContains('10.244.1.0/24', '10.244.2.3')).toBe(false);
    expect(() => ipToInt('10.0.0')).toThrow(/not an IPv4 address/);
  });
});
