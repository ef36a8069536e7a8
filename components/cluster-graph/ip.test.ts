import { describe, expect, it } from 'vitest';
import { podCidrGateway } from './ip';

describe('podCidrGateway', () => {
  it.each([
    ['10.244.0.0/24', '10.244.0.1'],
    ['10.244.2.0/24', '10.244.2.1'],
    ['10.42.1.0/24', '10.42.1.1'],
    // A CIDR written with host bits set still has its gateway at network + 1.
    ['10.244.1.7/24', '10.244.1.1'],
    ['172.16.0.0/12', '172.16.0.1'],
    ['fd00:10:244:1::/64', 'fd00:10:244:1::1'],
    ['fd00::/8', 'fd00::1'],
  ])('%s -> %s', (cidr, gateway) => {
    expect(podCidrGateway(cidr)).toBe(gateway);
  });

  it.each(['', '10.244.1.0', '10.244.1.0/33', '300.1.1.0/24', 'fd00:::1/64', 'x/24'])(
    'rejects %j',
    (cidr) => {
      expect(podCidrGateway(cidr)).toBeNull();
    },
  );
});
