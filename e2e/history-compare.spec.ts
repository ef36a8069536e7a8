import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { TraceResult } from '../lib/trace/types';
import { HistoryPage } from './pages/history-page';
import { runTrace } from './support/trace-api';

// Journey: an engineer opens the trace history, narrows it down by status and source (and the
// URL follows, so the view can be shared), compares a healthy trace with a broken one, and
// imports a trace a teammate exported, which opens under a new id. A file that is no trace
// export is refused with the server's reason.

const HEALTHY = { from: 'pod:default/nginx', to: 'pod:default/httpd' }; // S1b
const BROKEN = { from: 'pod:default/web-client', to: 'service:default/legacy-api:8080' }; // S6

let healthy: TraceResult;
let broken: TraceResult;

test.describe('trace history, compare and import', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async ({ playwright }, info) => {
    // S6 waits for 20 refused connects; both together stay well under a minute.
    info.setTimeout(120_000);
    const request = await playwright.request.newContext({ baseURL: info.project.use.baseURL });
    healthy = await runTrace(request, HEALTHY);
    broken = await runTrace(request, BROKEN);
    await request.dispose();
    expect(healthy.status).toBe('reachable');
    expect(broken.status).toBe('unreachable');
  });

  test('lists both traces and filters them by status and source through the URL', async ({
    page,
  }, info) => {
    const history = new HistoryPage(page);
    await history.goto();
    await expect(history.row(healthy.id)).toHaveAttribute('data-status', 'reachable');
    await expect(history.row(broken.id)).toHaveAttribute('data-status', 'unreachable');
    await page.screenshot({ path: info.outputPath('history-1440.png') });
    // Newest first.
    const ids = await history.rows.evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-trace-id')),
    );
    expect(ids.indexOf(broken.id)).toBeLessThan(ids.indexOf(healthy.id));
    await expect(history.row(healthy.id)).toContainText('pod:default/nginx');
    await expect(history.row(broken.id)).toContainText('no-endpoints');

    await history.statusFilter.selectOption('unreachable');
    await expect(page).toHaveURL(/\/traces\?status=unreachable$/);
    await expect(history.row(broken.id)).toBeVisible();
    await expect(history.row(healthy.id)).toHaveCount(0);
    for (const status of await history.rows.evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-status')),
    )) {
      expect(status).toBe('unreachable');
    }

    await history.statusFilter.selectOption('');
    await history.fromFilter.fill(HEALTHY.from);
    await expect(page).toHaveURL(/\/traces\?from=pod%3Adefault%2Fnginx$/);
    await expect(history.row(healthy.id)).toBeVisible();
    await expect(history.row(broken.id)).toHaveCount(0);

    // The filtered URL is shareable: opened afresh, it shows the same view.
    await history.goto(`?from=${encodeURIComponent(BROKEN.from)}&status=unreachable`);
    await expect(history.fromFilter).toHaveValue(BROKEN.from);
    await expect(history.statusFilter).toHaveValue('unreachable');
    await expect(history.row(broken.id)).toBeVisible();
    await expect(history.row(healthy.id)).toHaveCount(0);
  });

  test('compares the two: the status change and the broken link are listed', async ({
    page,
  }, info) => {
    const history = new HistoryPage(page);
    await history.goto();
    await expect(history.compareButton).toBeDisabled();
    await history.checkbox(broken.id).check();
    await expect(history.compareButton).toBeDisabled();
    await history.checkbox(healthy.id).check();
    await expect(history.compareButton).toBeEnabled();
    await history.compareButton.click();

    // The older trace is "a" whatever the order of selection.
    await expect(page).toHaveURL(`/traces/compare?a=${healthy.id}&b=${broken.id}`);
    const compare = page.getByTestId('trace-compare');
    const summary = compare.getByTestId('compare-summary');
    const status = summary.locator('[data-testid="compare-change"][data-kind="status"]');
    await expect(status).toHaveCount(1);
    await expect(status.getByTestId('trace-status')).toHaveText(['reachable', 'unreachable']);
    const links = summary.locator('[data-testid="compare-change"][data-kind="link"]');
    await expect(links.first()).toBeVisible();
    await expect(links.filter({ hasText: 'svc default/legacy-api' })).toContainText('broken');
    await expect(
      summary.locator('[data-testid="compare-change"][data-kind="finding-new"]'),
    ).toContainText('no-endpoints');
    // Not the same endpoints: said, but still compared.
    await expect(compare.getByText('Different endpoints.')).toBeVisible();
    // Both paths drawn, the broken link marked with its state and rule.
    const brokenLink = compare.locator(
      '[data-side="b"] [data-testid="path-link"][data-state="broken"]',
    );
    await expect(brokenLink).toContainText('no-endpoints');
    await expect(compare.locator('[data-side="a"] [data-testid="path-chip"]')).toHaveCount(
      healthy.path.length,
    );
    await page.screenshot({ path: info.outputPath('compare-1440.png') });
    // The narrower laptop screen and the dark theme, for the record.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await expect(compare.getByTestId('compare-change').first()).toBeVisible();
    await page.screenshot({ path: info.outputPath('compare-1280-dark.png') });
    await page.goto('/traces');
    await expect(page.getByTestId('trace-row').first()).toBeVisible();
    await page.screenshot({ path: info.outputPath('history-1280-dark.png') });
  });

  test('imports an exported trace under a new id', async ({ page, request }, info) => {
    const res = await request.get(`/api/traces/${healthy.id}`);
    expect(res.status()).toBe(200);
    const exported = (await res.json()) as TraceResult;
    const dir = await mkdtemp(path.join(tmpdir(), 'podpath-e2e-'));
    const file = path.join(dir, `podpath-trace-${healthy.id}.json`);
    await writeFile(file, JSON.stringify(exported, null, 2));
    info.attach('export', { path: file });

    const history = new HistoryPage(page);
    await history.goto();
    await history.importInput.setInputFiles(file);
    await page.waitForURL((url) => /^\/traces\/[A-Za-z0-9_-]{24}$/.test(url.pathname));
    const newId = new URL(page.url()).pathname.split('/').pop()!;
    expect(newId).not.toBe(healthy.id);

    const imported = (await (await request.get(`/api/traces/${newId}`)).json()) as TraceResult;
    expect(imported.importedFrom?.id).toBe(healthy.id);
    expect(imported.status).toBe('reachable');
    expect(imported.path).toEqual(healthy.path);
    await expect(page.getByTestId('trace-page')).toHaveAttribute('data-trace-id', newId);
  });

  test('refuses a JSON file that is no trace export, with the reason', async ({ page }) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'podpath-e2e-'));
    const file = path.join(dir, 'package.json');
    await writeFile(file, JSON.stringify({ name: 'not-a-trace', version: '1.0.0' }));

    const history = new HistoryPage(page);
    await history.goto();
    await history.importInput.setInputFiles(file);
    await expect(history.importError).toBeVisible();
    await expect(history.importError).toHaveAttribute('role', 'alert');
    await expect(history.importError).toContainText('not a podpath trace export');
    await expect(page).toHaveURL(/\/traces$/);
  });
});
