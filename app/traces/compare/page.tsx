import type { Metadata } from 'next';
import { TraceCompare } from '@/components/trace-compare/trace-compare';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Compare traces · podpath' };

/** `/traces/compare?a=ID&b=ID`: `a` is the trace before, `b` the trace after. */
export default async function CompareTracesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? null;
  return <TraceCompare a={first(params.a)} b={first(params.b)} />;
}
