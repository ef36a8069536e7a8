import type { TraceStatus } from '@/lib/trace/types';

const STYLES: Record<TraceStatus, { label: string; className: string; dot: string }> = {
  running: {
    label: 'running',
    className: 'bg-accent-soft text-accent',
    dot: 'bg-accent animate-pulse',
  },
  reachable: { label: 'reachable', className: 'bg-ok-soft text-ok', dot: 'bg-ok' },
  intermittent: { label: 'intermittent', className: 'bg-warn-soft text-warn', dot: 'bg-warn' },
  unreachable: { label: 'unreachable', className: 'bg-danger-soft text-danger', dot: 'bg-danger' },
  error: { label: 'error', className: 'bg-danger-soft text-danger', dot: 'bg-danger' },
};

/** A trace's status as a small pill: colour and word, never colour alone. */
export function TraceStatusBadge({ status }: { status: TraceStatus }) {
  const s = STYLES[status];
  return (
    <span
      data-testid="trace-status"
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${s.className}`}
    >
      <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${s.dot}`} />
      {s.label}
    </span>
  );
}
