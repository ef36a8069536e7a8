import { describe, expect, it } from 'vitest';
import type { InventorySnapshot } from '@/lib/inventory/types';
import type { ResolvedEndpoint } from '@/lib/refs/types';
import type { ExpectedPath } from '@/lib/topology/types';
import type { Finding, TraceResult } from '@/lib/trace/types';
import { diagnose } from './diagnose';
import type { DiagnosisInput, ExtraProbeRequest, ExtraProbeResult, Rule } from './types';

const input = {
  result: { links: [], path: [], hops: [] } as unknown as TraceResult,
  snapshot: {} as InventorySnapshot,
  expected: {} as ExpectedPath,
  from: {} as ResolvedEndpoint,
  to: {} as ResolvedEndpoint,
} satisfies DiagnosisInput;

const finding = (
  rule: Finding['rule'],
  severity: Finding['severity'],
  link: number | null,
): Finding => ({
  rule,
  severity,
  link,
  title: rule,
  explanation: '',
  evidence: [],
  fix: [],
});

const probe = (key: string): ExtraProbeRequest => ({
  key,
  from: { kind: 'node', node: 'node-2' },
  kind: 'traceroute',
  target: { ip: '192.168.2.10' },
  why: 'node-versus-pod comparison',
});

describe('diagnose', () => {
  it('runs each distinct extra probe once and hands the results to the rules that asked', async () => {
    const seen: string[][] = [];
    const rule = (name: Finding['rule']): Rule => ({
      name: name as Rule['name'],
      applies: () => true,
      probes: () => [probe('node-2:trace')],
      evaluate: (_i, extra) =>
        extra.get('node-2:trace')?.reached ? [finding(name, 'error', 2)] : [],
    });
    const out = await diagnose(
      input,
      [rule('pod-egress-no-snat'), rule('no-route')],
      async (reqs) => {
        seen.push(reqs.map((r) => r.key));
        return new Map<string, ExtraProbeResult>(
          reqs.map((r) => [
            r.key,
            {
              request: r,
              ok: true,
              error: null,
              hops: [],
              reached: true,
              connect: null,
              addresses: [],
              raw: 'trace',
            },
          ]),
        );
      },
    );
    expect(seen).toEqual([['node-2:trace']]);
    expect(out.findings.map((f) => f.rule)).toEqual(['pod-egress-no-snat', 'no-route']);
    expect(out.raw).toEqual({ 'node-2:trace': 'trace' });
    expect(out.notes[0]).toContain('ran from the host network of node-2');
  });

  it('asks nothing of rules that do not apply, and survives a rule that throws', async () => {
    let asked = false;
    const quiet: Rule = {
      name: 'dns',
      applies: () => false,
      probes: () => {
        asked = true;
        return [];
      },
      evaluate: () => [finding('dns', 'error', null)],
    };
    const broken: Rule = {
      name: 'hairpin',
      applies: () => true,
      evaluate: () => {
        throw new Error('boom');
      },
    };
    const fine: Rule = {
      name: 'no-endpoints',
      applies: () => true,
      evaluate: () => [finding('no-endpoints', 'warning', 1)],
    };
    const out = await diagnose(input, [quiet, broken, fine], async () => new Map());
    expect(asked).toBe(false);
    expect(out.findings.map((f) => f.rule)).toEqual(['no-endpoints']);
    expect(out.notes).toContain('rule hairpin failed: boom');
  });

  it('orders errors before warnings, then by link', async () => {
    const many: Rule = {
      name: 'no-route',
      applies: () => true,
      evaluate: () => [
        finding('no-route', 'warning', 0),
        finding('no-route', 'error', 3),
        finding('no-route', 'error', 1),
      ],
    };
    const out = await diagnose(input, [many], async () => new Map());
    expect(out.findings.map((f) => [f.severity, f.link])).toEqual([
      ['error', 1],
      ['error', 3],
      ['warning', 0],
    ]);
  });
});
