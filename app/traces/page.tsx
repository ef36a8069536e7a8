import type { Metadata } from 'next';
import { Suspense } from 'react';
import { TraceHistory } from '@/components/trace-history/trace-history';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Trace history · podpath' };

/** `/traces?from=&to=&status=`: the filters live in the URL and are read by the client. */
export default async function TracesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Awaited so the page renders per request with the URL's filters, never prerendered.
  await searchParams;
  return (
    <Suspense>
      <TraceHistory />
    </Suspense>
  );
}
