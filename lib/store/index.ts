/** Trace storage: one interface, an in-memory engine now, databases later. */
export { clampListLimit, createMemoryTraceStore, matchesFilter } from './memory';
export type { MemoryTraceStoreOptions } from './memory';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './types';
export type { TraceListFilter, TracePatch, TraceStore } from './types';
