import { describe, expect, it } from 'vitest';
import { connectCountFromEnv } from './config';
import { parseNslookup } from './dns-output';
import { HopStream, toRawHops } from './hop-stream';
import { parseTraceroute } from '../traceroute';

describe('HopStream', () => {
  it('hands out each hop once, as soon as its line is complete', () => {
    const s = new HopStream();
    expect(
      s.push('traceroute to 10.244.1.3 (10.244.1.3), 20 hops max, 60 byte packets\n 1  10.2'),
    ).toEqual([]);
    expect(s.push('44.2.1  0.041 ms\n 2  192.168.56.11  0.5').map((h) => h.ip)).toEqual([
      '10.244.2.1',
    ]);
    expect(s.push('75 ms\n').map((h) => [h.ttl, h.ip, h.rttMs])).toEqual([
      [2, '192.168.56.11', [0.575]],
    ]);
    const full =
      'traceroute to 10.244.1.3 (10.244.1.3), 20 hops max, 60 byte packets\n 1  10.244.2.1  0.041 ms\n 2  192.168.56.11  0.575 ms\n 3  10.244.1.3  0.614 ms\n';
    expect(s.finish(full).map((h) => h.ttl)).toEqual([3]);
    expect(s.finish(full)).toEqual([]);
  });

  it('reduces probes to one address per hop and keeps the others', () => {
    const hops = toRawHops(
      parseTraceroute(
        'traceroute to 10.0.0.9 (10.0.0.9), 30 hops max, 60 byte packets\n 1  10.0.0.1  0.3 ms  10.0.0.2  0.4 ms  10.0.0.1  0.5 ms !H\n 2  * * *\n',
      ),
    );
    expect(hops[0]).toEqual({
      ttl: 1,
      ip: '10.0.0.1',
      rttMs: [0.3, 0.5],
      alsoFrom: ['10.0.0.2'],
      annotations: ['!H'],
    });
    expect(hops[1]).toEqual({ ttl: 2, ip: null, rttMs: [] });
  });
});

describe('parseNslookup', () => {
  it('reads the answer of bind nslookup, not the server', () => {
    const out = parseNslookup(
      'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tk8s-go-demo-slb.default.svc.cluster.local\nAddress: 10.96.38.1\n',
    );
    expect(out).toEqual({ addresses: ['10.96.38.1'], error: null, understood: true });
  });

  it('reads busybox answers and failures', () => {
    expect(
      parseNslookup(
        'Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nName:      httpd\nAddress 1: 10.96.100.10 httpd.default.svc.cluster.local\n',
      ).addresses,
    ).toEqual(['10.96.100.10']);
    expect(
      parseNslookup(
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nope.example: NXDOMAIN\n",
      ),
    ).toEqual({
      addresses: [],
      error: 'NXDOMAIN',
      understood: true,
    });
    expect(parseNslookup('nslookup: not found\n')).toMatchObject({ understood: false });
  });
});

describe('connectCountFromEnv', () => {
  it('defaults to 20 and accepts 1 to 200', () => {
    expect(connectCountFromEnv({})).toBe(20);
    expect(connectCountFromEnv({ PODPATH_CONNECT_COUNT: ' 5 ' })).toBe(5);
    for (const bad of ['0', '201', '2.5', 'ten', '-1']) {
      expect(() => connectCountFromEnv({ PODPATH_CONNECT_COUNT: bad })).toThrow(/1 to 200/);
    }
  });
});
