/** The expected path merged with what the probe saw: the path, links and status of a trace. */
export { mergePath } from './merge';
export type { MergedPath, MergeEvidence } from './types';
