import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import type { TraceResult } from '../lib/trace/types';
import { pathOf, TraceUi } from './pages/trace-ui';

// The journey users come for (issue 6), on the demo cluster with the live lab: click two pods
// in the graph, run, see the path; share it; then the broken scenarios S2, S3 and S5 with their
// labelled links and fixes. Screenshots of the S1 and S2 pages go to the test's output folder.

const S1_PATH = [
  'pod:default/web-client',
  'node-2/cni0',
  'node-2/eth1',
  'node-1/eth1',
  'node-1/cni0',
  'pod:default/httpd',
];
const FXRQL = 'pod:default/k8s-go-demo-deploy-66cdbcd8d9-fxrql';
const GO_SVC = 'service:default/k8s-go-demo-svc';

async function traceOf(page: Page, id: string): Promise<TraceResult> {
  const res = await page.request.get(`/api/traces/${id}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as TraceResult;
}

function traceIdFromUrl(page: Page): string {
  const id = new URL(page.url()).searchParams.get('trace');
  if (!id) throw new Error(`no trace in ${page.url()}`);
  return id;
}

test.describe('trace journey', () => {
  test.describe.configure({ mode: 'serial', timeout: 240_000 });

  test('S1: click web-client and httpd, run, six elements in green; the share link shows the same', async ({
    page,
    browser,
    context,
  }, testInfo) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const ui = new TraceUi(page);
    await ui.gotoHome();

    await ui.clickElement('pod:default/web-client');
    await expect(ui.picker('from')).toHaveAttribute('data-value', 'pod:default/web-client');
    await ui.clickElement('pod:default/httpd');
    await expect(ui.picker('to')).toHaveAttribute('data-value', 'pod:default/httpd');
    // The choice is in the URL before anything runs, so it can be shared as it is.
    await expect(page).toHaveURL(/from=pod%3Adefault%2Fweb-client&to=pod%3Adefault%2Fhttpd/);
    await expect(ui.graph.locator('[data-id="pod:default/web-client"]')).toHaveAttribute(
      'data-classes',
      /pick-from/,
    );

    const spreadBefore = await ui.spread('pod:default/web-client', 'pod:default/httpd');
    expect(await ui.run()).toBe('reachable');
    const links = await ui.drawnLinks();
    expect(pathOf(links)).toEqual(S1_PATH);
    // The finished path is brought into view: drawn larger than in the whole-cluster fit.
    await expect
      .poll(() => ui.spread('pod:default/web-client', 'pod:default/httpd'))
      .toBeGreaterThan(spreadBefore * 1.3);
    expect(links.map((l) => l[2])).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // The rest of the cluster fades; the path stands out.
    await expect(ui.graph.locator('[data-id="pod:default/nginx"]')).toHaveAttribute(
      'data-classes',
      /faded/,
    );
    await expect(ui.graph.locator('[data-id="node-1/eth1"]')).toHaveAttribute(
      'data-classes',
      /on-trace/,
    );
    const id = traceIdFromUrl(page);
    const stored = await traceOf(page, id);
    await expect(ui.panel.getByTestId('hop')).toHaveCount(stored.hops.length);
    await page.screenshot({ path: testInfo.outputPath('s1-home.png') });

    await ui.panel.getByRole('button', { name: 'Copy link' }).click();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link).toBe(`${new URL(page.url()).origin}/traces/${id}`);

    // A teammate opens it in another browser context (no shared state, no cookies).
    const teammate = await browser.newContext();
    try {
      const other = await teammate.newPage();
      await other.goto(link);
      const shared = new TraceUi(other);
      const pageRoot = other.getByTestId('trace-page');
      await expect(pageRoot).toHaveAttribute('data-trace-id', id);
      await expect(pageRoot).toHaveAttribute('data-status', 'reachable');
      await expect(other.getByTestId('trace-cluster')).toHaveText(stored.cluster);
      await expect(shared.graph.getByTestId('graph-trace-link')).toHaveCount(5);
      const sharedLinks = await shared.drawnLinks();
      expect(pathOf(sharedLinks)).toEqual(S1_PATH);
      expect(sharedLinks.map((l) => l[2])).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      const hops = other.getByTestId('hop');
      await expect(hops).toHaveCount(stored.hops.length);
      for (const [i, hop] of stored.hops.entries()) {
        await expect(hops.nth(i)).toHaveAttribute('data-ip', hop.ip ?? '');
      }
      await other.screenshot({ path: testInfo.outputPath('s1-trace-page.png') });

      // Export: the JSON is the stored TraceResult, the PNG a real image of the graph.
      const [json] = await Promise.all([
        other.waitForEvent('download'),
        other.getByRole('button', { name: 'Export JSON' }).click(),
      ]);
      expect(json.suggestedFilename()).toBe(`podpath-trace-${id}.json`);
      const exported = JSON.parse(await readFile((await json.path()) ?? '', 'utf8')) as TraceResult;
      expect(exported).toEqual(stored);
      const [png] = await Promise.all([
        other.waitForEvent('download'),
        other.getByRole('button', { name: 'Export PNG' }).click(),
      ]);
      expect(png.suggestedFilename()).toBe(`podpath-trace-${id}.png`);
      const image = await readFile((await png.path()) ?? '');
      expect(image.subarray(0, 8)).toEqual(
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      );
      expect(image.length).toBeGreaterThan(5_000);
    } finally {
      await teammate.close();
    }
  });

  test('S2: fxrql to its own Service, the Service hop labelled hairpin with its fix', async ({
    page,
  }, testInfo) => {
    const ui = new TraceUi(page);
    await ui.gotoHome();
    await ui.clickElement(FXRQL);
    await ui.clickElement(GO_SVC);
    await expect(ui.picker('from')).toHaveAttribute('data-value', FXRQL);
    await expect(ui.picker('to')).toHaveAttribute('data-value', GO_SVC);

    // kube-proxy picks at random: a run of connects may dodge the loop; run again then.
    let status = await ui.run();
    for (let i = 0; i < 2 && status === 'reachable'; i++) status = await ui.run();
    expect(['intermittent', 'unreachable']).toContain(status);

    const intoService = (await ui.drawnLinks()).find((l) => l[1] === GO_SVC);
    expect(intoService?.[2]).toMatch(/^(intermittent|broken)$/);
    expect(intoService?.[3]).toContain('hairpin');

    const finding = ui.panel.locator('[data-testid="finding"][data-rule="hairpin"]');
    await expect(finding).toBeVisible();
    await expect(finding).toContainText(/hairpin/i);
    await expect(finding.getByRole('button', { name: 'Copy commands' }).first()).toBeVisible();
    await expect(finding.getByTestId('fix-commands').first()).toContainText('hairpin');
    await page.screenshot({ path: testInfo.outputPath('s2-home.png') });

    // The trace page of the same trace says the same.
    await page.goto(`/traces/${traceIdFromUrl(page)}`);
    await expect(
      page.locator('[data-testid="finding"][data-rule="hairpin"]').first(),
    ).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('s2-trace-page.png') });
  });

  test('S3: web-client to the Local-policy LoadBalancer IP, typed in the picker', async ({
    page,
  }) => {
    const ui = new TraceUi(page);
    await ui.gotoHome();
    await ui.clickElement('pod:default/web-client');
    await ui.typeEndpoint('to', '192.168.56.240', 'ip:192.168.56.240:80');
    expect(await ui.run()).toBe('unreachable');
    const labelled = (await ui.drawnLinks()).filter((l) => l[3].includes('local-traffic-policy'));
    expect(labelled).toHaveLength(1);
    expect(labelled[0]?.[2]).toBe('broken');
    const finding = ui.panel.locator('[data-testid="finding"][data-rule="local-traffic-policy"]');
    await expect(finding).toBeVisible();
    await expect(finding).toContainText('externalTrafficPolicy');
  });

  test('S5: web-client to an address outside the cluster, pod-egress-no-snat on the way out', async ({
    page,
  }, testInfo) => {
    const ui = new TraceUi(page);
    await ui.gotoHome();
    await ui.typeEndpoint('from', 'web-client', 'pod:default/web-client');
    await ui.typeEndpoint('to', '192.168.2.10', 'ip:192.168.2.10');
    expect(await ui.run()).toBe('unreachable');
    const labelled = (await ui.drawnLinks()).filter((l) => l[3].includes('pod-egress-no-snat'));
    expect(labelled).toHaveLength(1);
    expect(labelled[0]?.[2]).toBe('broken');
    // The outside address is drawn as a hop of its own, above the node network.
    await expect(ui.graph.locator('[data-testid="graph-hop"]').first()).toBeAttached();
    const finding = ui.panel.locator('[data-testid="finding"][data-rule="pod-egress-no-snat"]');
    await expect(finding).toContainText('MASQUERADE');

    // Laptop size, dark theme: still readable, nothing cut off in the panel's header.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await expect(ui.runButton).toBeInViewport();
    await expect(ui.panel.getByTestId('trace-status')).toBeInViewport();
    await page.screenshot({ path: testInfo.outputPath('s5-home-1280-dark.png') });
  });

  test('from the pod list: trace from here, trace to here, run', async ({ page }) => {
    const ui = new TraceUi(page);
    await ui.gotoHome();
    const pods = page.getByRole('listbox', { name: 'Pods' });
    await pods.getByRole('option', { name: /^nginx\s*10\.244\.1\.2/ }).click();
    await page.getByRole('button', { name: 'Trace from here' }).click();
    await pods.getByRole('option', { name: /^httpd\s*10\.244\.1\.3/ }).click();
    await page.getByRole('button', { name: 'Trace to here' }).click();
    await expect(ui.picker('from')).toHaveAttribute('data-value', 'pod:default/nginx');
    await expect(ui.picker('to')).toHaveAttribute('data-value', 'pod:default/httpd');
    expect(await ui.run()).toBe('reachable');
    // Same node: straight through cni0, no uplink.
    expect(pathOf(await ui.drawnLinks())).toEqual([
      'pod:default/nginx',
      'node-1/cni0',
      'pod:default/httpd',
    ]);
  });

  test('a target that does not exist is refused in the page, and nothing runs', async ({
    page,
  }) => {
    const ui = new TraceUi(page);
    await ui.gotoHome();
    await ui.typeEndpoint('from', 'web-client', 'pod:default/web-client');
    await ui.typeEndpoint('to', 'pod:default/no-such-pod', 'pod:default/no-such-pod');
    await ui.runButton.click();
    const error = page.getByTestId('trace-run-error');
    await expect(error).toBeVisible();
    await expect(error).toHaveAttribute('data-status', '404');
    await expect(error).toContainText('no-such-pod');
    expect(new URL(page.url()).searchParams.get('trace')).toBeNull();
  });

  test('a running trace can be cancelled from the page', async ({ page }) => {
    const ui = new TraceUi(page);
    await page.goto('/?from=pod%3Adefault%2Fweb-client&to=ip%3A192.168.2.10');
    await expect(ui.picker('to')).toHaveAttribute('data-value', 'ip:192.168.2.10');
    // Nothing jumps while a trace runs: the canvas and the form keep their place and size.
    const boxes = async () => ({
      canvas: await ui.canvas.boundingBox(),
      from: await ui.picker('from').boundingBox(),
      to: await ui.picker('to').boundingBox(),
    });
    const idle = await boxes();
    await ui.runButton.click();
    await expect(page.getByTestId('trace-progress')).toBeVisible();
    expect(await boxes()).toEqual(idle);
    await page.getByRole('button', { name: 'Cancel trace' }).click();
    const failure = ui.panel.getByTestId('trace-error');
    await expect(failure).toHaveAttribute('data-code', 'cancelled', { timeout: 60_000 });
    await expect(failure).toContainText('Cancelled');
    await expect(page.getByRole('button', { name: 'Run trace' })).toBeEnabled();
    expect(await boxes()).toEqual(idle);
    await expect(page).toHaveURL(/[?&]trace=[\w-]{24}/);
    const stored = await traceOf(page, traceIdFromUrl(page));
    expect(stored.status).toBe('error');
    expect(stored.error?.code).toBe('cancelled');
  });

  test('an RBAC refusal is said in the page, with what is missing', async ({ page }) => {
    // The demo's RBAC refuses ephemeral containers in kube-system (testbed DEMO_FORBID).
    const ui = new TraceUi(page);
    await ui.gotoHome();
    await ui.typeEndpoint(
      'from',
      'nginx-ingress',
      'pod:kube-system/nginx-ingress-controller-7d9fb',
    );
    await ui.typeEndpoint('to', 'httpd', 'pod:default/httpd');
    await page.getByRole('button', { name: 'Options' }).click();
    await ui.panel.getByRole('combobox', { name: 'Probe', exact: true }).selectOption('ephemeral');
    expect(await ui.run()).toBe('error');
    const failure = ui.panel.getByTestId('trace-error');
    await expect(failure).toHaveAttribute('data-code', 'forbidden');
    await expect(failure).toContainText('The cluster refused');
    await expect(failure).toContainText('ephemeralcontainers');
    // With the automatic strategy the same trace uses a probe pod beside it, and works.
    await ui.panel.getByRole('combobox', { name: 'Probe', exact: true }).selectOption('auto');
    expect(await ui.run()).toBe('reachable');
  });

  test('a trace ID that does not exist, and a malformed one, show a clear not-found page', async ({
    page,
  }) => {
    const missing = await page.goto('/traces/AAAAAAAAAAAAAAAAAAAAAAAA');
    expect(missing?.status()).toBe(404);
    await expect(page.getByTestId('trace-not-found')).toHaveAttribute('data-reason', 'missing');
    await expect(page.getByRole('heading', { name: 'No trace with this ID' })).toBeVisible();

    const malformed = await page.goto('/traces/not-a-trace');
    expect(malformed?.status()).toBe(404);
    await expect(page.getByTestId('trace-not-found')).toHaveAttribute('data-reason', 'malformed');
    await expect(page.getByRole('heading', { name: 'This is not a trace link' })).toBeVisible();
  });
});
