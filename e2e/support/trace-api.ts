import { expect, type APIRequestContext } from '@playwright/test';
import { traceResultSchema } from '../../lib/api/traces';
import type { TraceResult } from '../../lib/trace/types';
import { kubectl } from './demo-lab';

const CSRF = { 'X-Podpath-Request': '1' };

/** Starts a trace over the HTTP API, waits until it has ended and checks it against the schema. */
export async function runTrace(
  request: APIRequestContext,
  body: { from: string; to: string; strategy?: string },
): Promise<TraceResult> {
  const res = await request.post('/api/traces', { data: body, headers: CSRF });
  expect(res.status(), await res.text()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  let result: unknown = null;
  await expect
    .poll(
      async () => {
        const got = await request.get(`/api/traces/${id}`);
        expect(got.status()).toBe(200);
        result = await got.json();
        return (result as { status: string }).status;
      },
      { timeout: 150_000, intervals: [250, 500, 1000] },
    )
    .not.toBe('running');
  const parsed = traceResultSchema.safeParse(result);
  expect(parsed.success, parsed.error?.message).toBe(true);
  return result as TraceResult;
}

/** The findings as [rule, severity, id of the element the finding's link goes into]. */
export function findingSummary(r: TraceResult): [string, string, string | null][] {
  return r.findings.map((f) => {
    const link = f.link === null ? undefined : r.links[f.link];
    return [f.rule, f.severity, link ? (r.path[link.to]?.id ?? null) : null];
  });
}

/** A Service of the demo cluster as the API serves it, the fields the fixes need. */
export interface ServiceFacts {
  namespace: string;
  name: string;
  clusterIP: string;
  externalTrafficPolicy: string | null;
}

/** The Service whose LoadBalancer ingress (or external IP) is `ip`, read with kubectl. */
export async function serviceByExternalIp(ip: string): Promise<ServiceFacts> {
  const list = JSON.parse(await kubectl('get', 'services', '-A', '-o', 'json')) as {
    items: {
      metadata: { namespace: string; name: string };
      spec: { clusterIP?: string; externalIPs?: string[]; externalTrafficPolicy?: string };
      status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
    }[];
  };
  const svc = list.items.find(
    (s) =>
      (s.status?.loadBalancer?.ingress ?? []).some((i) => i.ip === ip) ||
      (s.spec.externalIPs ?? []).includes(ip),
  );
  if (!svc?.spec.clusterIP) throw new Error(`no Service with external address ${ip}`);
  return {
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    clusterIP: svc.spec.clusterIP,
    externalTrafficPolicy: svc.spec.externalTrafficPolicy ?? null,
  };
}
