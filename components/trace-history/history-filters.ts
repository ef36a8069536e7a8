/**
 * The history's filters as they live in the URL (`/traces?from=&to=&status=`), so that a
 * filtered history can be shared. Pure: parsed from and written to URLSearchParams.
 */
import { traceStatusSchema } from '@/lib/api/traces';
import type { TraceStatus } from '@/lib/trace/types';

export interface HistoryFilter {
  from: string;
  to: string;
  status: TraceStatus | '';
}

export const EMPTY_FILTER: HistoryFilter = { from: '', to: '', status: '' };

/** The filter a URL asks for; an unknown status is ignored rather than shown as an error. */
export function filterFromParams(params: Pick<URLSearchParams, 'get'>): HistoryFilter {
  const status = traceStatusSchema.safeParse(params.get('status'));
  return {
    from: params.get('from')?.trim() ?? '',
    to: params.get('to')?.trim() ?? '',
    status: status.success ? status.data : '',
  };
}

/** The query string of a filter, without empty fields: `from=...&status=...`. */
export function filterToSearch(filter: HistoryFilter): string {
  const params = new URLSearchParams();
  if (filter.from.trim()) params.set('from', filter.from.trim());
  if (filter.to.trim()) params.set('to', filter.to.trim());
  if (filter.status) params.set('status', filter.status);
  return params.toString();
}

export function isFiltered(filter: HistoryFilter): boolean {
  return filterToSearch(filter) !== '';
}

/** The two selected traces in compare order: the older is `a`, the newer `b`. */
export function compareHref(traces: { id: string; createdAt: string }[]): string | null {
  if (traces.length !== 2) return null;
  const [x, y] = traces as [{ id: string; createdAt: string }, { id: string; createdAt: string }];
  const [a, b] = Date.parse(x.createdAt) <= Date.parse(y.createdAt) ? [x, y] : [y, x];
  return `/traces/compare?a=${encodeURIComponent(a.id)}&b=${encodeURIComponent(b.id)}`;
}
