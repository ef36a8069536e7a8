'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { AppHeader } from '@/components/app-header/app-header';
import { TRACE_ID_PATTERN } from '@/lib/api/traces';

/**
 * A share link that leads nowhere: says whether the ID cannot be a trace ID at all (a link cut
 * short when pasted, say) or names no stored trace (another podpath, another database, or one
 * cleaned up), and where to go from here.
 */
export function TraceNotFound() {
  const pathname = usePathname() ?? '';
  const raw = pathname.replace(/^\/traces\//, '');
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // Keep it as it came.
  }
  const malformed = !TRACE_ID_PATTERN.test(id);
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader />
      <main
        className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center px-6 py-16"
        data-testid="trace-not-found"
        data-reason={malformed ? 'malformed' : 'missing'}
      >
        <p className="text-sm font-semibold text-danger">404</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">
          {malformed ? 'This is not a trace link' : 'No trace with this ID'}
        </h1>
        <p className="mt-3 text-sm text-fg-muted">
          {malformed ? (
            <>
              Trace IDs are 24 characters of letters, digits, <code>-</code> and <code>_</code>. The
              link may have been cut short when it was copied.
            </>
          ) : (
            <>
              This podpath has no trace with this ID. It may come from another podpath (another
              cluster or database), or it was removed. Ask for its JSON export and import it in the
              history.
            </>
          )}
        </p>
        <p className="mt-3 rounded-md bg-surface-2 px-3 py-2 font-mono text-xs break-all text-fg-muted">
          {id || '(empty)'}
        </p>
        <div className="mt-6 flex gap-3 text-sm">
          <Link
            href="/traces"
            className="rounded-md bg-accent px-3 py-1.5 font-medium text-white dark:text-slate-950"
          >
            Trace history
          </Link>
          <Link href="/" className="rounded-md border border-line px-3 py-1.5 text-fg-muted">
            Cluster
          </Link>
        </div>
      </main>
    </div>
  );
}
