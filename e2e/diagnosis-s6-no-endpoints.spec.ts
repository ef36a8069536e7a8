import { expect, test, type APIRequestContext } from '@playwright/test';
import { kubectl } from './support/demo-lab';
import { findingSummary, runTrace } from './support/trace-api';

// Journey: S6 of shared/scenarios.md on the live lab. legacy-api selects app=legacy-api, which
// no pod has, so kube-proxy refuses every connection; podpath says `no-endpoints` on the link
// into the Service, naming the selector and the labels pods nearby do have. Running the
// finding's first fix (its `kubectl run`) gives the Service an endpoint and the trace turns green.

const S6 = { from: 'pod:default/web-client', to: 'service:default/legacy-api:8080' };
const SERVICE = 'service:default/legacy-api';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SliceList {
  items: { endpoints?: { addresses: string[]; conditions?: { ready?: boolean } }[] | null }[];
}

/** Ready addresses in the Service's EndpointSlices, as the API has them. */
async function readyAddresses(namespace: string, service: string): Promise<string[]> {
  const slices = JSON.parse(
    await kubectl(
      '-n',
      namespace,
      'get',
      'endpointslices',
      '-l',
      `kubernetes.io/service-name=${service}`,
      '-o',
      'json',
    ),
  ) as SliceList;
  return slices.items.flatMap((s) =>
    (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses),
  );
}

/** Whether podpath's own inventory lists a ready endpoint of the Service yet. */
async function inventoryHasEndpoint(
  request: APIRequestContext,
  namespace: string,
  service: string,
): Promise<boolean> {
  const res = await request.get('/api/inventory');
  if (res.status() !== 200) return false;
  const body = (await res.json()) as {
    endpointSlices: {
      namespace: string;
      serviceName: string | null;
      endpoints: { ready: boolean }[];
    }[];
  };
  return body.endpointSlices.some(
    (s) =>
      s.namespace === namespace && s.serviceName === service && s.endpoints.some((e) => e.ready),
  );
}

test.describe('diagnosis S6: a Service without endpoints', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });

  test('web-client to legacy-api: no-endpoints on the Service hop, selector and nearby labels', async ({
    request,
  }) => {
    const r = await runTrace(request, S6);
    expect(r.status).toBe('unreachable');
    expect(findingSummary(r)).toEqual([['no-endpoints', 'error', SERVICE]]);
    const [f] = r.findings;
    expect(r.links[f!.link!]?.state).toBe('broken');
    expect(f!.title).toContain('selects app=legacy-api, which no pod has');
    const evidence = f!.evidence.join('\n');
    expect(evidence).toContain('selector app=legacy-api');
    expect(evidence).toMatch(/EndpointSlice default\/legacy-api-\S+ lists no endpoints/);
    expect(evidence).toContain('no pod in namespace default has app=legacy-api');
    // The nearest miss: web-client itself carries app=legacy-client.
    expect(evidence).toContain(
      'web-client has app=legacy-client (the selector wants app=legacy-api)',
    );
    expect(evidence).toContain(
      `0 of ${r.connect!.attempts} TCP connects to ${r.connect!.target}:8080 succeeded (${r.connect!.attempts}× Connection refused)`,
    );
  });

  test('the first fix (its kubectl run) gives legacy-api an endpoint and the trace turns green', async ({
    request,
  }) => {
    const before = await runTrace(request, S6);
    const run = before.findings[0]?.fix[0]?.commands?.find((c) => c.startsWith('kubectl run '));
    expect(run, JSON.stringify(before.findings)).toBeDefined();
    // A plain command without quoting: the words are the arguments.
    expect(run).not.toMatch(/['"\\$`|;&]/);
    const args = run!.split(/\s+/).slice(1);
    const pod = args[1]!;
    const namespace = args[args.indexOf('--namespace') + 1]!;
    try {
      await kubectl(...args);
      await expect
        .poll(() => kubectl('-n', namespace, 'get', 'pod', pod, '-o', 'jsonpath={.status.phase}'), {
          timeout: 60_000,
        })
        .toBe('Running');
      const ip = await kubectl(
        '-n',
        namespace,
        'get',
        'pod',
        pod,
        '-o',
        'jsonpath={.status.podIP}',
      );
      await expect
        .poll(() => readyAddresses(namespace, 'legacy-api'), { timeout: 60_000 })
        .toContain(ip);
      await expect
        .poll(() => inventoryHasEndpoint(request, namespace, 'legacy-api'), { timeout: 30_000 })
        .toBe(true);

      // The lab's service proxy follows the EndpointSlice by watching it: trace until it has.
      let r = await runTrace(request, S6);
      for (let i = 0; i < 3 && r.status !== 'reachable'; i++) {
        await sleep(2_000 * (i + 1));
        r = await runTrace(request, S6);
      }
      expect(r.status).toBe('reachable');
      expect(r.findings).toEqual([]);
      expect(r.links.map((l) => l.state).every((s) => s === 'ok')).toBe(true);
      expect(r.path.at(-1)?.id).toBe(`pod:${namespace}/${pod}`);
    } finally {
      await kubectl('-n', namespace, 'delete', 'pod', pod, '--ignore-not-found', '--wait=true');
      // Later specs expect S6 broken again: wait until the Service has no endpoint.
      await expect
        .poll(() => readyAddresses(namespace, 'legacy-api'), { timeout: 60_000 })
        .toEqual([]);
      await expect
        .poll(() => inventoryHasEndpoint(request, namespace, 'legacy-api'), { timeout: 30_000 })
        .toBe(false);
    }
  });
});
