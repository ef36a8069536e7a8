import type { TraceResult } from '@/lib/trace/types';
import { inlineSegments } from './format';
import { ErrorIcon, InfoIcon } from './icons';

/** Prose with its `code`, endpoint ids and addresses set in monospace. */
export function InlineText({ text }: { text: string }) {
  return (
    <>
      {inlineSegments(text).map((s, i) =>
        s.code ? (
          <code
            key={i}
            className="rounded bg-surface-2 px-1 py-px font-mono text-[0.92em] break-all text-fg"
          >
            {s.text}
          </code>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

/** How a failed trace is headed, by its error code. */
const FAILURE_TITLES: Record<string, string> = {
  forbidden: 'The cluster refused',
  cancelled: 'Cancelled',
  timeout: 'The trace timed out',
  interrupted: 'The trace was interrupted',
};

/** The trace's error and its notes for the reader, as callouts; nothing when there are none. */
export function TraceNotes({ trace }: { trace: Pick<TraceResult, 'notes' | 'error'> }) {
  const notes = trace.notes ?? [];
  const error = trace.error ?? null;
  if (notes.length === 0 && !error) return null;

  return (
    <div data-testid="trace-notes" className="space-y-2 text-sm">
      {error && (
        <div
          role="alert"
          data-testid="trace-error"
          data-code={error.code}
          className="flex gap-2.5 rounded-md border border-danger/40 bg-danger-soft px-3 py-2.5 text-fg"
        >
          <ErrorIcon className="mt-0.5 h-4 w-4 shrink-0 text-danger" width={1.6} />
          <div className="min-w-0">
            <p className="font-medium text-danger">
              {FAILURE_TITLES[error.code] ?? 'The trace failed'}{' '}
              <span className="font-mono text-xs font-normal text-fg-muted">({error.code})</span>
            </p>
            <p className="mt-0.5 break-words">
              <InlineText text={error.message} />
            </p>
            {error.code === 'forbidden' && (
              <p className="mt-1 text-xs text-fg-muted">
                Grant podpath&apos;s account what the message names (a Role in the probe namespace,
                or the source pod&apos;s namespace for ephemeral containers), or choose another
                probe strategy under Options.
              </p>
            )}
          </div>
        </div>
      )}
      {notes.length > 0 && (
        <section
          aria-labelledby="trace-notes-heading"
          className="flex gap-2.5 rounded-md border border-line bg-surface-2 px-3 py-2.5"
        >
          <InfoIcon className="mt-0.5 h-4 w-4 shrink-0 text-accent" width={1.6} />
          <div className="min-w-0">
            <h3 id="trace-notes-heading" className="font-medium text-fg">
              {notes.length === 1 ? 'Note' : 'Notes'}
            </h3>
            <ul className="mt-0.5 space-y-1 text-fg-muted">
              {notes.map((n, i) => (
                <li key={i} data-testid="trace-note" className="break-words">
                  <InlineText text={n} />
                </li>
              ))}
            </ul>
          </div>
        </section>
      )}
    </div>
  );
}
