import { describe, expect, it } from 'vitest';
import { parseEndpointRef, resolveEndpoint } from '@/lib/refs';
import { parseKnownHosts, resolveHops, type RawHop } from '@/lib/resolve';
import { expectedPath, type ExpectedPath } from '@/lib/topology';
import type { ConnectSummary } from '@/lib/trace/types';
import { KNOWN_HOSTS } from '../topology/__fixtures__/cases';
import { fixtureSnapshot } from '../topology/__fixtures__/load';
import { mergePath } from './merge';
import type { MergedPath } from './types';

const demo = fixtureSnapshot('demo');
const knownHosts = parseKnownHosts(KNOWN_HOSTS.demo);

const expected = (from: string, to: string): ExpectedPath =>
  expectedPath(
    resolveEndpoint(parseEndpointRef(from), demo, 'from'),
    resolveEndpoint(parseEndpointRef(to), demo, 'to'),
    demo,
    { knownHosts },
  );

/** Hops from `ip ip * ip` shorthand, one TTL each. */
const hops = (...ips: (string | null)[]) =>
  resolveHops(
    ips.map((ip, i): RawHop => ({ ttl: i + 1, ip, rttMs: ip ? [0.1 * (i + 1)] : [] })),
    demo,
    { knownHosts },
  );

const connects = (target: string, port: number, outcomes: (true | string)[]): ConnectSummary => ({
  target,
  port,
  attempts: outcomes.length,
  succeeded: outcomes.filter((o) => o === true).length,
  results: outcomes.map((o) =>
    o === true ? { ok: true, ms: 1 } : { ok: false, ms: null, error: o },
  ),
});

const picture = (m: MergedPath) =>
  m.path.map(
    (e, i) =>
      `${e.id}${e.source === 'seen' ? '!' : e.source === 'expected' ? '?' : ''}${m.links[i] ? ` ${m.links[i]?.state}` : ''}`,
  );

const s1 = () => expected('pod:default/web-client', 'pod:default/httpd');

describe('mergePath: hops', () => {
  it('inserts a router the topology did not predict where it was seen', () => {
    const m = mergePath(s1(), hops('10.244.2.1', '192.168.56.77', '192.168.56.11', '10.244.1.3'), {
      traceReached: true,
    });
    expect(picture(m)).toEqual([
      'pod:default/web-client ok',
      'node-2/cni0 ok',
      'node-2/eth1? ok',
      'unknown:192.168.56.77! ok',
      'node-1/eth1 ok',
      'node-1/cni0? ok',
      'pod:default/httpd',
    ]);
    expect(m.path[3]).toMatchObject({ kind: 'unknown', hop: 1, source: 'seen' });
    expect(m.links[2]?.rttMs).toBeCloseTo(0.2);
  });

  it('lets a star stand for an expected hop that did not answer, and draws extra ones', () => {
    const quiet = mergePath(s1(), hops('10.244.2.1', null, '10.244.1.3'), { traceReached: true });
    expect(picture(quiet)).toEqual([
      'pod:default/web-client ok',
      'node-2/cni0 ok',
      'node-2/eth1? ok',
      'node-1/eth1? ok',
      'node-1/cni0? ok',
      'pod:default/httpd',
    ]);
    const extra = mergePath(s1(), hops('10.244.2.1', null, '192.168.56.11', '10.244.1.3'), {
      traceReached: true,
    });
    expect(extra.path.map((e) => e.id)).toContain('unknown:ttl-2');
    expect(extra.path[3]).toMatchObject({ kind: 'unknown', label: 'no reply at TTL 2' });
  });

  it('matches a hop answering from another address of the same TTL, and one line per router', () => {
    const h = hops('10.244.2.1', '192.168.56.99', '10.244.1.3');
    h[1] = { ...h[1]!, alsoFrom: ['192.168.56.11'] };
    const repeated = [h[0]!, { ...h[0]!, ttl: 2 }, { ...h[1]!, ttl: 3 }, { ...h[2]!, ttl: 4 }];
    const m = mergePath(s1(), repeated, { traceReached: true });
    expect(m.path.map((e) => e.id)).toEqual(s1().elements.map((e) => e.id));
    expect(m.path[3]?.hop).toBe(2);
  });

  it('puts the break after the last answer and the silent interfaces behind it', () => {
    const m = mergePath(s1(), hops('10.244.2.1', '192.168.56.11', null, null), {
      traceReached: false,
    });
    expect(picture(m)).toEqual([
      'pod:default/web-client ok',
      'node-2/cni0 ok',
      'node-2/eth1? ok',
      'node-1/eth1 unknown',
      'node-1/cni0? broken',
      'pod:default/httpd?',
    ]);
    expect(m.status).toBe('unreachable');
  });

  it('breaks after an unpredicted router when nothing answers behind it', () => {
    const m = mergePath(
      expected('pod:default/web-client', 'ip:192.168.2.10'),
      hops('10.244.2.1', '192.168.56.77', null, null),
      { traceReached: false },
    );
    expect(picture(m)).toEqual([
      'pod:default/web-client ok',
      'node-2/cni0 ok',
      'node-2/eth1? ok',
      'unknown:192.168.56.77! broken',
      'external:192.168.56.1? unknown',
      'external:192.168.2.10?',
    ]);
  });
});

describe('mergePath: connects and status', () => {
  const s5 = () => expected('pod:default/web-client', 'ip:192.168.2.10:5432');

  it('takes successful connects over a trace that ICMP filtering cut short', () => {
    const m = mergePath(s5(), hops('10.244.2.1', null, null), {
      traceReached: false,
      connect: connects('192.168.2.10', 5432, [true, true]),
    });
    expect(m.links.map((l) => l.state)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(m.status).toBe('reachable');
  });

  it('keeps the trace break when every connect fails too', () => {
    const m = mergePath(s5(), hops('10.244.2.1', null, null), {
      traceReached: false,
      connect: connects('192.168.2.10', 5432, ['timed out', 'timed out']),
    });
    expect(m.links.map((l) => l.state)).toEqual(['ok', 'unknown', 'broken', 'unknown']);
    expect(m.links[3]?.successRatio).toEqual({ ok: 0, total: 2 });
    expect(m.status).toBe('unreachable');
  });

  it('judges the last link when there is no Service: a closed port after a full trace', () => {
    const m = mergePath(s5(), hops('10.244.2.1', '192.168.56.1', '192.168.2.10'), {
      traceReached: true,
      connect: connects('192.168.2.10', 5432, ['Connection refused']),
    });
    expect(m.links.map((l) => l.state)).toEqual(['ok', 'ok', 'ok', 'broken']);
  });

  it('marks the link into the Service intermittent with the ratio', () => {
    const p = expected('pod:default/web-client', 'service:default/k8s-go-demo-svc');
    const m = mergePath(p, hops('10.244.2.1', '192.168.56.11', '10.244.1.4'), {
      traceReached: true,
      connect: connects('10.96.212.203', 80, [true, 'timed out', true]),
    });
    expect(m.links.map((l) => l.state)).toEqual(['ok', 'intermittent', 'ok', 'ok', 'ok', 'ok']);
    expect(m.links[1]).toMatchObject({
      successRatio: { ok: 2, total: 3 },
      label: '2/3 connects to 10.96.212.203:80 succeeded',
    });
    expect(m.status).toBe('intermittent');
  });

  it('says error when the probe never ran, and leaves every link unknown', () => {
    const m = mergePath(s1(), [], { traceReached: false, probeError: 'traceroute: not found' });
    expect(m.links.every((l) => l.state === 'unknown')).toBe(true);
    expect(m.path[0]?.source).toBe('expected');
    expect(m.status).toBe('error');
  });

  it('says error when there was nothing to trace and no connect', () => {
    const p = expected('pod:default/web-client', 'dns:legacy-db.example');
    expect(mergePath(p, [], { traceReached: false }).status).toBe('error');
  });
});
