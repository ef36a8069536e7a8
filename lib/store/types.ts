import type { TraceResult, TraceStatus } from '../trace/types';

/** What `list` may filter on; every field optional, all given ones must match. */
export interface TraceListFilter {
  /** Exact source reference as written (`pod:default/web-client`). */
  from?: string;
  /** Exact target reference as written. */
  to?: string;
  status?: TraceStatus;
  /** At most this many, newest first; DEFAULT_LIST_LIMIT when absent, capped at MAX_LIST_LIMIT. */
  limit?: number;
}

/** The fields of a stored trace that may change after it is first saved. */
export type TracePatch = Partial<Omit<TraceResult, 'id' | 'createdAt'>>;

/**
 * Where traces live. Small on purpose: the in-memory store, SQLite and PostgreSQL implement the
 * same four calls, all async so that a database can stand behind them. Results go in and come
 * out as copies; a caller never shares an object with the store.
 */
export interface TraceStore {
  /** Inserts a trace, or replaces the one with the same id. */
  save(result: TraceResult): Promise<void>;
  /** The trace with this id, or null. */
  get(id: string): Promise<TraceResult | null>;
  /** Traces matching the filter, newest first. */
  list(filter?: TraceListFilter): Promise<TraceResult[]>;
  /** Merges `patch` into a stored trace; the updated trace, or null when there is none. */
  update(id: string, patch: TracePatch): Promise<TraceResult | null>;
  /**
   * True when other processes may use the same store at the same time (several dashboard
   * replicas on one PostgreSQL): a trace it holds as running may then belong to another live
   * process, so neither it nor its probe pods may be taken for a dead process's leftovers.
   */
  readonly shared?: boolean;
  /** Releases the connection or file; the store must not be used afterwards. */
  close?(): Promise<void>;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;
