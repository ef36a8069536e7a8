/**
 * What the SQL engines share: the indexed columns a trace is stored with beside its JSON, and
 * the merge `update` applies. The JSON is the trace; the columns only serve `list`.
 */
import type { TraceResult } from '../trace/types';
import type { TracePatch } from './types';

/** The columns of the `traces` table besides its insertion sequence. */
export interface TraceRow {
  id: string;
  created_at: string;
  status: string;
  from_ref: string;
  to_ref: string;
  cluster: string;
  body: string;
}

/** The row a trace is stored as. */
export function toRow(result: TraceResult): TraceRow {
  return {
    id: result.id,
    created_at: result.createdAt,
    status: result.status,
    from_ref: result.from.ref,
    to_ref: result.to.ref,
    cluster: result.cluster,
    body: JSON.stringify(result),
  };
}

/** A stored trace with `patch` merged in; its id and creation time never change. */
export function mergePatch(found: TraceResult, patch: TracePatch): TraceResult {
  // Through JSON, as the stored copy will be: the caller's patch object is never shared.
  const copy = JSON.parse(JSON.stringify(patch)) as TracePatch;
  return { ...found, ...copy, id: found.id, createdAt: found.createdAt };
}
