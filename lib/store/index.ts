/**
 * Trace storage: one interface; memory, SQLite (the default, in the data dir) and PostgreSQL
 * (DATABASE_URL) behind it. Server code only. The SQL engines are reached through
 * openTraceStore, which loads only the one it opens (better-sqlite3 is a native addon).
 */
export { clampListLimit, createMemoryTraceStore, matchesFilter } from './memory';
export type { MemoryTraceStoreOptions } from './memory';
export { chooseTraceStore, openTraceStore, SQLITE_FILE } from './open';
export type { OpenTraceStoreOptions, StoreChoice } from './open';
export { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './types';
export type { TraceListFilter, TracePatch, TraceStore } from './types';
