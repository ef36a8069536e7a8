import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { TraceView } from '@/components/trace-view/trace-view';
import { TRACE_ID_PATTERN } from '@/lib/api/traces';
import { getTrace } from '@/lib/server/trace-runtime';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { id } = await params;
  if (!TRACE_ID_PATTERN.test(id)) return { title: 'Not a trace · podpath' };
  const trace = await getTrace(id).catch(() => null);
  if (!trace) return { title: 'Trace not found · podpath' };
  return { title: `${trace.from.ref} → ${trace.to.ref} · ${trace.status} · podpath` };
}

/**
 * The page a share link opens: the stored trace exactly as it was when it ran, drawn from the
 * trace itself (not from today's cluster), followed live while it is still running.
 */
export default async function TracePage({ params }: Params) {
  const { id } = await params;
  if (!TRACE_ID_PATTERN.test(id)) notFound();
  const trace = await getTrace(id);
  if (!trace) notFound();
  return <TraceView initial={trace} />;
}
