import { describe, expect, it } from 'vitest';
import {
  ProbeInputError,
  isDnsName,
  isIPv4,
  isIPv6,
  validateHost,
  validateInteger,
  validatePort,
} from './validation';

describe('validateHost', () => {
  it('accepts IPv4 and IPv6 literals and RFC 1123 names', () => {
    expect(validateHost('10.244.1.3')).toEqual({ kind: 'ipv4', value: '10.244.1.3' });
    expect(validateHost('fd00::1')).toEqual({ kind: 'ipv6', value: 'fd00::1' });
    expect(validateHost('::ffff:192.168.2.10')).toEqual({
      kind: 'ipv6',
      value: '::ffff:192.168.2.10',
    });
    expect(validateHost('K8s-Go-Demo-Svc.default.svc.cluster.local.')).toEqual({
      kind: 'dns',
      value: 'k8s-go-demo-svc.default.svc.cluster.local.',
    });
    expect(validateHost('legacy-api')).toEqual({ kind: 'dns', value: 'legacy-api' });
  });

  it.each([
    ['-x', /starts with "-"/],
    ['--help', /starts with "-"/],
    ['$(id)', /contains "\$\("/],
    ['a$(id)b', /contains "\$\("/],
    ['10.0.0.1;id', /neither/],
    ['10.0.0.1 -m 255', /neither/],
    ['web client', /neither/],
    ['a|b', /neither/],
    ['`id`', /neither/],
    ['', /empty/],
    ['10.0.0.010', /neither/],
    ['1.2.3', /neither/],
    ['256.1.1.1', /neither/],
    ['fe80::1%eth0', /neither/],
    ['[::1]', /neither/],
    ['under_score.example', /neither/],
    ['-a.example', /starts with "-"/],
    ['a-.example', /neither/],
  ])('rejects %j', (input, message) => {
    expect(() => validateHost(input)).toThrow(ProbeInputError);
    expect(() => validateHost(input)).toThrow(message);
  });
});

describe('address and name predicates', () => {
  it('reads IPv6 forms correctly', () => {
    expect(isIPv6('2001:db8:0:0:0:0:0:1')).toBe(true);
    expect(isIPv6('2001:db8::')).toBe(true);
    expect(isIPv6('::')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIPv6('1::2::3')).toBe(false);
    expect(isIPv6('1:2:3:4:5:6:7::8')).toBe(false);
    expect(isIPv6('12345::1')).toBe(false);
  });

  it('reads IPv4 and names', () => {
    expect(isIPv4('0.0.0.0')).toBe(true);
    expect(isIPv4('01.2.3.4')).toBe(false);
    expect(isDnsName('a'.repeat(63) + '.example')).toBe(true);
    expect(isDnsName('a'.repeat(64) + '.example')).toBe(false);
    expect(isDnsName(`${'a.'.repeat(127)}b`)).toBe(false);
    expect(isDnsName('example.123')).toBe(false);
  });
});

describe('validatePort and validateInteger', () => {
  it('accepts numeric ports only', () => {
    expect(validatePort(80)).toBe(80);
    expect(validatePort('38001')).toBe(38001);
    for (const bad of ['-1', '0', '65536', '80;id', ' 80', 'http', '$(PORT)', '8 0', 1.5]) {
      expect(() => validatePort(bad), String(bad)).toThrow(ProbeInputError);
    }
  });

  it('bounds integers', () => {
    expect(validateInteger(20, 1, 200, 'count')).toBe(20);
    expect(() => validateInteger(0, 1, 200, 'count')).toThrow(/count must be a whole number/);
    expect(() => validateInteger(2.5, 1, 200, 'count')).toThrow(ProbeInputError);
    expect(() => validateInteger(Number.NaN, 1, 200, 'count')).toThrow(ProbeInputError);
  });
});
