import { describe, expect, it } from 'vitest';
import {
  isAnnotation,
  isHostName,
  isIPv4,
  isIPv6,
  nameAndAddress,
  parseGluedMs,
  parseNumber,
  tokenize,
  unparen,
} from './tokens';

describe('isIPv4', () => {
  it.each(['10.244.1.3', '0.0.0.0', '255.255.255.255', '192.168.56.11'])('accepts %s', (s) => {
    expect(isIPv4(s)).toBe(true);
  });
  it.each(['10.244.1', '10.244.1.', '10.244.1.256', '1.2.3.4.5', 'a.b.c.d', '', '10.244.1.3/24'])(
    'rejects %s',
    (s) => {
      expect(isIPv4(s)).toBe(false);
    },
  );
});

describe('isIPv6', () => {
  it.each([
    '::1',
    '::',
    '2001:db8:4::10',
    '3ffe:2400:0:109::2',
    'fe80::1%eth0',
    '2001:db8:0:0:0:0:0:1',
    '::ffff:192.0.2.1',
    'FE80::ABCD',
  ])('accepts %s', (s) => {
    expect(isIPv6(s)).toBe(true);
  });
  it.each([
    // What mtr leaves of an address it cut: never to be taken for one.
    '2001:db8:1:',
    '2001:db',
    '1::2::3',
    '2001:db8:0:0:0:0:0:0:1',
    '12345::1',
    'fe80::1%',
    ':',
    'dust.inr.ac.ru',
    '10.244.1.3',
  ])('rejects %s', (s) => {
    expect(isIPv6(s)).toBe(false);
  });
});

describe('names and addresses', () => {
  it('tells names from addresses and numbers', () => {
    expect(isHostName('r1.mini.test')).toBe(true);
    expect(isHostName('_gateway')).toBe(true);
    expect(isHostName('1e100.net')).toBe(true);
    expect(isHostName('10.244.1')).toBe(false);
    expect(isHostName('???')).toBe(false);
    expect(isHostName('(10.0.0.1)')).toBe(false);
  });

  it('pairs `name (addr)` and `addr (name)` either way round', () => {
    expect(nameAndAddress('r1.mini.test', '192.0.2.1')).toEqual({
      ip: '192.0.2.1',
      host: 'r1.mini.test',
    });
    expect(nameAndAddress('192.0.2.1', 'r1.mini.test')).toEqual({
      ip: '192.0.2.1',
      host: 'r1.mini.test',
    });
    // The resolver found no name and the tool printed the address twice.
    expect(nameAndAddress('10.244.2.1', '10.244.2.1')).toEqual({ ip: '10.244.2.1', host: null });
    expect(nameAndAddress('r1', '198.51.100')).toBeNull();
    expect(nameAndAddress('r1', 'r2')).toBeNull();
  });

  it('unwraps parentheses', () => {
    expect(unparen('(10.0.0.1)')).toBe('10.0.0.1');
    expect(unparen('(10.0.0.1')).toBeNull();
    expect(unparen('()')).toBeNull();
  });
});

describe('times and annotations', () => {
  it('reads times with and without a separate unit', () => {
    expect(parseNumber('0.005')).toBe(0.005);
    expect(parseNumber('19')).toBe(19);
    expect(parseNumber('0.0%')).toBeNull();
    expect(parseGluedMs('463.514ms')).toBe(463.514);
    expect(parseGluedMs('0.003ms')).toBe(0.003);
    expect(parseGluedMs('0.003')).toBeNull();
    expect(parseGluedMs('ms')).toBeNull();
  });

  it.each([
    '!H',
    '!N',
    '!X',
    '!P',
    '!S',
    '!A',
    '!C',
    '!V',
    '!U',
    '!I',
    '!T',
    '!*',
    '!',
    '!F-1280',
    '!<5>',
    '!<12-0>',
  ])('%s is an annotation', (s) => {
    expect(isAnnotation(s)).toBe(true);
  });

  it.each(['H', '!h', '!HH', '!<>', '!<a>', '!F-', 'reached'])('%s is not', (s) => {
    expect(isAnnotation(s)).toBe(false);
  });
});

describe('tokenize', () => {
  it('keeps the spacing before each word (busybox prints two spaces, Linux one)', () => {
    expect(tokenize(' 2  *  *').map((t) => [t.text, t.gap, t.start])).toEqual([
      ['2', 1, 1],
      ['*', 2, 4],
      ['*', 2, 7],
    ]);
    expect(tokenize(' 2  * *').map((t) => t.gap)).toEqual([1, 2, 1]);
    expect(tokenize('')).toEqual([]);
  });
});
