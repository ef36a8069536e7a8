import { expect, type Locator, type Page } from '@playwright/test';

/** The trace history (`/traces`): filters, rows, compare and import. */
export class HistoryPage {
  readonly root: Locator;
  readonly rows: Locator;
  readonly fromFilter: Locator;
  readonly toFilter: Locator;
  readonly statusFilter: Locator;
  readonly compareButton: Locator;
  readonly importButton: Locator;
  readonly importInput: Locator;
  readonly importError: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByTestId('trace-history');
    this.rows = this.root.getByTestId('trace-row');
    this.fromFilter = page.getByTestId('history-filter-from');
    this.toFilter = page.getByTestId('history-filter-to');
    this.statusFilter = page.getByTestId('history-filter-status');
    this.compareButton = page.getByTestId('compare-button');
    this.importButton = page.getByRole('button', { name: 'Import JSON' });
    this.importInput = page.getByTestId('import-input');
    this.importError = page.getByTestId('import-error');
  }

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/traces${query}`);
    await expect(this.root).toBeVisible();
  }

  row(id: string): Locator {
    return this.root.locator(`[data-testid="trace-row"][data-trace-id="${id}"]`);
  }

  /** The row's checkbox (its accessible name is the route and time). */
  checkbox(id: string): Locator {
    return this.row(id).getByRole('checkbox');
  }
}
