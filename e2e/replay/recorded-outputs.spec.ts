import { expect, test } from '@playwright/test';
import { ClusterOverviewPage } from '../pages/cluster-overview-page';
import { pathOf, TraceUi } from '../pages/trace-ui';

// Journey: someone runs the demo where the network lab cannot run (no root, macOS). The cluster
// is the same, and the page says plainly that probes answer with recorded outputs.

test('the demo cluster without a lab says its outputs are recordings', async ({
  page,
  request,
}) => {
  const health = await request.get('/api/health');
  expect(await health.json()).toMatchObject({ ok: true, cluster: 'demo', demo: true });

  const overview = new ClusterOverviewPage(page);
  await overview.goto();
  await expect(overview.badge).toContainText('recorded outputs');
  await expect(overview.graph.getByTestId('graph-k8s-node')).toHaveCount(3);
});

test('without a lab the trace page works the same: S1 clicked, run and drawn green', async ({
  page,
}) => {
  const ui = new TraceUi(page);
  await ui.gotoHome();
  await ui.clickElement('pod:default/web-client');
  await ui.clickElement('pod:default/httpd');
  expect(await ui.run()).toBe('reachable');
  const links = await ui.drawnLinks();
  expect(pathOf(links)).toEqual([
    'pod:default/web-client',
    'node-2/cni0',
    'node-2/eth1',
    'node-1/eth1',
    'node-1/cni0',
    'pod:default/httpd',
  ]);
  expect(links.every((l) => l[2] === 'ok')).toBe(true);
});
