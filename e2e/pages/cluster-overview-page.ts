import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The home page. The graph is a canvas, so everything about it is read from its accessible
 * mirror (lists of what cytoscape holds), never from pixels.
 */
export class ClusterOverviewPage {
  readonly graph: Locator;
  readonly podList: Locator;
  readonly namespaceFilter: Locator;
  readonly search: Locator;
  readonly contextSwitcher: Locator;
  readonly badge: Locator;
  readonly themeToggle: Locator;
  readonly podDetails: Locator;

  constructor(readonly page: Page) {
    this.graph = page.getByRole('region', { name: 'Cluster graph' });
    this.podList = page.getByRole('listbox', { name: 'Pods' });
    this.namespaceFilter = page.getByLabel('Namespace', { exact: true });
    this.search = page.getByRole('searchbox', { name: 'Search pods' });
    this.contextSwitcher = page.getByLabel('Context', { exact: true });
    this.badge = page.getByTestId('cluster-badge');
    this.themeToggle = page.getByRole('button', { name: 'Dark theme' });
    this.podDetails = page.getByTestId('pod-details');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.graph.getByTestId('graph-k8s-node').first()).toBeAttached();
  }

  /** A node box as drawn. */
  graphNode(name: string): Locator {
    return this.graph.locator(`[data-testid="graph-k8s-node"][data-name="${name}"]`);
  }

  /** The interfaces drawn inside a node box. */
  interfacesOf(node: string): Locator {
    return this.graph.getByRole('list', { name: `Interfaces of ${node}` }).getByRole('listitem');
  }

  /** The pods drawn inside a node box. */
  podsOn(node: string): Locator {
    return this.graph.getByRole('list', { name: `Pods on ${node}` }).getByRole('listitem');
  }

  graphPod(namespace: string, name: string): Locator {
    return this.graph.locator(`[data-testid="graph-pod"][data-id="pod:${namespace}/${name}"]`);
  }

  graphPods(): Locator {
    return this.graph.getByTestId('graph-pod');
  }

  graphService(namespace: string, name: string): Locator {
    return this.graph.locator(
      `[data-testid="graph-service"][data-id="service:${namespace}/${name}"]`,
    );
  }

  graphServices(): Locator {
    return this.graph.getByTestId('graph-service');
  }

  /** A pod in the list, by namespace and name. */
  option(namespace: string, name: string): Locator {
    return this.podList.locator(`[role="option"][data-pod-id="pod:${namespace}/${name}"]`);
  }

  options(): Locator {
    return this.podList.getByRole('option');
  }

  /** The option aria-activedescendant points at. */
  async activeOption(): Promise<Locator> {
    const id = await this.podList.getAttribute('aria-activedescendant');
    expect(id, 'the listbox has an active option').toBeTruthy();
    return this.page.locator(`[id="${id}"]`);
  }

  /** Moves the active option with the arrow keys until it is the given pod. */
  async arrowTo(namespace: string, name: string): Promise<void> {
    await this.podList.focus();
    await this.page.keyboard.press('Home');
    const target = `pod:${namespace}/${name}`;
    const count = await this.options().count();
    for (let i = 0; i < count; i++) {
      const active = await this.activeOption();
      if ((await active.getAttribute('data-pod-id')) === target) return;
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`${target} is not in the pod list`);
  }
}
