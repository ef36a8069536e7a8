import { expect, test } from '@playwright/test';
import { ClusterOverviewPage } from './pages/cluster-overview-page';

// Journey: someone opens podpath on the demo cluster (scenarios.md, cluster `demo`) and finds
// their way around the nodes, pods and Services.

test.describe('cluster overview', () => {
  let overview: ClusterOverviewPage;

  test.beforeEach(async ({ page }) => {
    overview = new ClusterOverviewPage(page);
    await overview.goto();
  });

  test('draws the three nodes with eth1 (InternalIP) and cni0 (podCIDR gateway)', async () => {
    const nodes = [
      { name: 'controlplane', eth1: '192.168.56.10', cni0: '10.244.0.1' },
      { name: 'node-1', eth1: '192.168.56.11', cni0: '10.244.1.1' },
      { name: 'node-2', eth1: '192.168.56.12', cni0: '10.244.2.1' },
    ];
    await expect(overview.graph.getByTestId('graph-k8s-node')).toHaveCount(3);
    for (const n of nodes) {
      await expect(overview.graphNode(n.name)).toBeAttached();
      const interfaces = overview.interfacesOf(n.name);
      await expect(interfaces).toHaveCount(2);
      await expect(interfaces.filter({ hasText: 'eth1' })).toHaveText(`eth1 ${n.eth1}`);
      await expect(interfaces.filter({ hasText: 'cni0' })).toHaveText(`cni0 ${n.cni0}`);
    }
  });

  test('puts every pod inside its node and marks host-network pods', async () => {
    await expect(overview.podsOn('node-2').filter({ hasText: 'default/web-client' })).toHaveCount(
      1,
    );
    await expect(overview.podsOn('node-1').filter({ hasText: 'default/httpd' })).toHaveCount(1);
    await expect(overview.podsOn('node-1').filter({ hasText: 'default/web-client' })).toHaveCount(
      0,
    );
    await expect(overview.graphPod('default', 'httpd')).toHaveAttribute(
      'data-host-network',
      'false',
    );
    await expect(overview.graphPod('default', 'httpd')).toContainText('10.244.1.3');

    const myPod = overview.graphPod('default', 'my-pod');
    await expect(myPod).toHaveAttribute('data-host-network', 'true');
    await expect(myPod).toContainText('host network');
    await expect(overview.podsOn('node-2').filter({ hasText: 'default/my-pod' })).toHaveCount(1);
    await expect(overview.option('default', 'my-pod')).toContainText('host network');
    await expect(overview.option('default', 'httpd')).not.toContainText('host network');

    // The flannel DaemonSet runs in the host network of every node.
    for (const node of ['controlplane', 'node-1', 'node-2']) {
      await expect(
        overview.podsOn(node).filter({ hasText: 'kube-system/kube-flannel-ds-' }),
      ).toHaveAttribute('data-host-network', 'true');
    }
  });

  test('shows the Services with cluster IPs, LoadBalancer IPs and endpoints', async () => {
    await expect(overview.graphService('default', 'httpd')).toHaveAttribute(
      'data-cluster-ip',
      '10.96.100.10',
    );
    await expect(overview.graphService('default', 'k8s-go-demo-svc')).toHaveAttribute(
      'data-cluster-ip',
      '10.96.212.203',
    );
    await expect(overview.graphService('default', 'k8s-go-demo-svc')).toContainText(
      'k8s-go-demo-deploy-66cdbcd8d9-fxrql',
    );
    const lb = overview.graphService('kube-system', 'nginx-ingress-lb');
    await expect(lb).toHaveAttribute('data-ingress-ips', '192.168.56.240');
    await expect(lb).toContainText('externalTrafficPolicy Local');
    // S6: the selector app=legacy-api matches no pod.
    await expect(overview.graphService('default', 'legacy-api')).toContainText('no endpoints');
  });

  test('says this is the demo cluster, in the demo context', async () => {
    await expect(overview.badge).toContainText('Demo cluster');
    // This server runs as root with the lab; the replay project checks the other data plane.
    await expect(overview.badge).toContainText('network lab');
    await expect(overview.contextSwitcher).toHaveValue('demo');
  });

  test('selects a pod from the list with the keyboard and highlights it in the graph', async ({
    page,
  }) => {
    await overview.arrowTo('default', 'web-client');
    await expect(overview.option('default', 'web-client')).toHaveAttribute(
      'aria-selected',
      'false',
    );
    await page.keyboard.press('Enter');

    await expect(overview.option('default', 'web-client')).toHaveAttribute('aria-selected', 'true');
    await expect(overview.podList).toBeFocused();
    await expect(overview.graphPod('default', 'web-client')).toHaveAttribute(
      'data-selected',
      'true',
    );
    // Its way out of node-2 is lit: cni0 then eth1.
    await expect(overview.interfacesOf('node-2').filter({ hasText: 'cni0' })).toHaveAttribute(
      'data-classes',
      /on-path/,
    );
    await expect(overview.podDetails).toContainText('web-client');
    await expect(overview.podDetails).toContainText('10.244.2.1');

    // One up and Enter moves the selection; only one pod is ever selected.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect(overview.options().and(page.locator('[aria-selected="true"]'))).toHaveCount(1);
    await expect(overview.option('default', 'web-client')).toHaveAttribute(
      'aria-selected',
      'false',
    );
    await expect(overview.graphPod('default', 'web-client')).toHaveAttribute(
      'data-selected',
      'false',
    );
    await expect(overview.graph.locator('[data-selected="true"]')).toHaveCount(1);
  });

  test('filters by namespace in the list and in the graph', async ({ request }) => {
    // kube-system holds the flannel pods of the three nodes, the ingress controller and CoreDNS.
    const inventory = (await (await request.get('/api/inventory')).json()) as {
      pods: { namespace: string }[];
    };
    const kubeSystemPods = inventory.pods.filter((p) => p.namespace === 'kube-system').length;
    expect(kubeSystemPods).toBe(5);
    await overview.namespaceFilter.selectOption('kube-system');
    await expect(overview.options()).toHaveCount(kubeSystemPods);
    for (const option of await overview.options().all()) {
      await expect(option).toContainText('kube-system');
    }
    await expect(overview.graphPods()).toHaveCount(kubeSystemPods);
    await expect(overview.graphPod('default', 'httpd')).toHaveCount(0);
    await expect(overview.graphServices()).toHaveCount(2);
    await expect(overview.graphService('kube-system', 'nginx-ingress-lb')).toBeAttached();
    // Nodes and their interfaces do not belong to a namespace: they stay.
    await expect(overview.graph.getByTestId('graph-k8s-node')).toHaveCount(3);

    await overview.namespaceFilter.selectOption({ label: 'All namespaces' });
    await expect(overview.graphPod('default', 'httpd')).toBeAttached();
  });

  test('searches pods and steps the rest of the graph back', async () => {
    await overview.search.fill('web-client');
    await expect(overview.options()).toHaveCount(1);
    await expect(overview.option('default', 'web-client')).toBeVisible();
    await expect(overview.graphPod('default', 'web-client')).toHaveAttribute(
      'data-classes',
      /match/,
    );
    await expect(overview.graphPod('default', 'httpd')).toHaveAttribute('data-classes', /dimmed/);
    await overview.search.fill('');
    await expect(overview.graphPod('default', 'httpd')).not.toHaveAttribute(
      'data-classes',
      /dimmed/,
    );
  });

  test('switches between light and dark themes', async ({ page }) => {
    const html = page.locator('html');
    const wasDark = (await html.getAttribute('class'))?.includes('dark') ?? false;
    await overview.themeToggle.click();
    await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
    await expect(overview.themeToggle).toHaveAttribute('aria-pressed', String(!wasDark));
    // The choice survives a reload.
    await page.reload();
    await expect(overview.themeToggle).toHaveAttribute('aria-pressed', String(!wasDark));
  });

  test('saves screenshots of the overview', async ({ page }, testInfo) => {
    await overview.arrowTo('default', 'httpd');
    await page.keyboard.press('Enter');
    await expect(overview.graphPod('default', 'httpd')).toHaveAttribute('data-selected', 'true');
    // Let cytoscape finish its style transitions before the picture is taken.
    await page.waitForTimeout(400);
    for (const theme of ['light', 'dark'] as const) {
      const pressed = (await overview.themeToggle.getAttribute('aria-pressed')) === 'true';
      if (pressed !== (theme === 'dark')) await overview.themeToggle.click();
      await page.waitForTimeout(300);
      const file = testInfo.outputPath(`cluster-overview-${theme}.png`);
      await page.screenshot({ path: file });
      await testInfo.attach(`cluster overview (${theme})`, {
        path: file,
        contentType: 'image/png',
      });
    }
  });
});
