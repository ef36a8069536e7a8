import { expect, test } from '@playwright/test';
import { ClusterOverviewPage } from '../pages/cluster-overview-page';

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
