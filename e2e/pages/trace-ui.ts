import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The trace side of podpath as a user drives it: clicks on the cluster graph's canvas (at the
 * screen positions its accessible mirror publishes), the pickers, the Run button, and what the
 * drawn path and the panels say.
 */
export class TraceUi {
  readonly graph: Locator;
  readonly canvas: Locator;
  readonly panel: Locator;
  readonly runButton: Locator;
  readonly status: Locator;

  constructor(readonly page: Page) {
    this.graph = page.getByRole('region', { name: /graph/i });
    this.canvas = page.getByTestId('cluster-graph-canvas');
    this.panel = page.getByTestId('trace-panel');
    this.runButton = page.getByRole('button', { name: 'Run trace' });
    this.status = page.getByTestId('trace-status').first();
  }

  async gotoHome(): Promise<void> {
    await this.page.goto('/');
    await expect(this.graph.getByTestId('graph-k8s-node').first()).toBeAttached();
    // Fit the whole cluster into the canvas beside the panels, then let positions settle.
    await this.page.getByRole('button', { name: 'Fit' }).click();
    await this.page.waitForTimeout(150);
  }

  /** Clicks a graph element on the canvas where it is drawn. */
  async clickElement(id: string): Promise<void> {
    const item = this.graph.locator(`[data-id="${id}"]`).first();
    await expect(item).toHaveAttribute('data-rendered', /^-?\d+,-?\d+$/);
    const [x, y] = ((await item.getAttribute('data-rendered')) ?? '').split(',').map(Number);
    const box = await this.canvas.boundingBox();
    if (!box || x === undefined || y === undefined) throw new Error(`no canvas for ${id}`);
    expect(x, `${id} is inside the canvas`).toBeGreaterThan(0);
    expect(x).toBeLessThan(box.width);
    expect(y).toBeGreaterThan(0);
    expect(y).toBeLessThan(box.height);
    await this.page.mouse.click(box.x + x, box.y + y);
  }

  /** Screen distance between two drawn elements, in CSS pixels: grows when the view zooms in. */
  async spread(a: string, b: string): Promise<number> {
    const at = async (id: string) => {
      const v = await this.graph.locator(`[data-id="${id}"]`).first().getAttribute('data-rendered');
      const [x = NaN, y = NaN] = (v ?? '').split(',').map(Number);
      return { x, y };
    };
    const [p, q] = [await at(a), await at(b)];
    return Math.hypot(p.x - q.x, p.y - q.y);
  }

  picker(role: 'from' | 'to'): Locator {
    return this.page.getByTestId(`picker-${role}`);
  }

  /** Types into a picker and chooses the candidate with this reference. */
  async typeEndpoint(role: 'from' | 'to', text: string, ref: string): Promise<void> {
    const input = this.picker(role).getByRole('combobox');
    await input.click();
    await input.fill(text);
    await this.picker(role).locator(`[role="option"][data-ref="${ref}"]`).click();
    await expect(this.picker(role)).toHaveAttribute('data-value', ref);
  }

  /** Runs the chosen trace and waits until it has finished. */
  async run(): Promise<string> {
    await this.runButton.click();
    await expect(this.panel.getByTestId('trace-status')).toHaveAttribute(
      'data-status',
      /^(reachable|unreachable|intermittent|error)$/,
      { timeout: 150_000 },
    );
    return (await this.panel.getByTestId('trace-status').getAttribute('data-status')) ?? '';
  }

  /** The drawn trace links, in path order: [source, target, state, label]. */
  async drawnLinks(): Promise<[string, string, string, string][]> {
    const links = this.graph.getByTestId('graph-trace-link');
    const n = await links.count();
    const out: [string, string, string, string][] = [];
    for (let i = 0; i < n; i++) {
      const l = links.nth(i);
      out.push([
        (await l.getAttribute('data-source')) ?? '',
        (await l.getAttribute('data-target')) ?? '',
        (await l.getAttribute('data-state')) ?? '',
        (await l.getAttribute('data-label')) ?? '',
      ]);
    }
    return out;
  }
}

/** The element ids of a drawn path, from its links: first source, then every target. */
export function pathOf(links: [string, string, string, string][]): string[] {
  if (links.length === 0) return [];
  return [links[0]![0], ...links.map((l) => l[1])];
}
