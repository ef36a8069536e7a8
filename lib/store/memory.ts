import type { TraceResult } from '../trace/types';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './types';
import type { TraceListFilter, TracePatch, TraceStore } from './types';

export interface MemoryTraceStoreOptions {
  /**
   * Most traces kept; beyond it the oldest finished ones are dropped first (a running trace is
   * kept, since its engine still writes to it). A process-lifetime store must not grow forever.
   */
  maxEntries?: number;
}

/** Normalises a list limit: default when absent, at least 1, at most MAX_LIST_LIMIT. */
export function clampListLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

/** True when a trace passes every filter field that is set. */
export function matchesFilter(result: TraceResult, filter: TraceListFilter): boolean {
  if (filter.from !== undefined && result.from.ref !== filter.from) return false;
  if (filter.to !== undefined && result.to.ref !== filter.to) return false;
  if (filter.status !== undefined && result.status !== filter.status) return false;
  return true;
}

/**
 * A TraceStore in this process's memory: what the server uses until a database is configured,
 * and what the CLI and tests use. Traces are lost when the process ends.
 */
export function createMemoryTraceStore(options: MemoryTraceStoreOptions = {}): TraceStore {
  const maxEntries = options.maxEntries ?? 1000;
  // Insertion order doubles as age order; a re-saved trace keeps its place.
  const traces = new Map<string, TraceResult>();

  function evict(): void {
    if (traces.size <= maxEntries) return;
    for (const [id, trace] of traces) {
      if (traces.size <= maxEntries) break;
      if (trace.status !== 'running') traces.delete(id);
    }
  }

  return {
    async save(result) {
      traces.set(result.id, structuredClone(result));
      evict();
    },
    async get(id) {
      const found = traces.get(id);
      return found ? structuredClone(found) : null;
    },
    async list(filter = {}) {
      const limit = clampListLimit(filter.limit);
      const out: TraceResult[] = [];
      const all = [...traces.values()];
      // Newest first: by createdAt, then by insertion for traces created in the same instant.
      const order = all
        .map((t, i) => ({ t, i }))
        .sort((a, b) => b.t.createdAt.localeCompare(a.t.createdAt) || b.i - a.i);
      for (const { t } of order) {
        if (!matchesFilter(t, filter)) continue;
        out.push(structuredClone(t));
        if (out.length >= limit) break;
      }
      return out;
    },
    async update(id, patch: TracePatch) {
      const found = traces.get(id);
      if (!found) return null;
      const next: TraceResult = {
        ...found,
        ...structuredClone(patch),
        id,
        createdAt: found.createdAt,
      };
      traces.set(id, next);
      return structuredClone(next);
    },
  };
}
