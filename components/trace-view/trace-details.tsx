'use client';

import { ConnectSummaryView } from '@/components/trace/connect-summary';
import { FindingsPanel } from '@/components/trace/findings-panel';
import { HopTable } from '@/components/trace/hop-table';
import { PathStrip } from '@/components/trace/path-strip';
import { RawOutput } from '@/components/trace/raw-output';
import { TraceNotes } from '@/components/trace/trace-notes';
import type { TraceResult } from '@/lib/trace/types';

export interface TraceDetailsProps {
  trace: TraceResult;
  activeLink: number | null;
  onSelectLink: (link: number | null) => void;
}

/**
 * Everything a trace says besides its picture, in reading order: the path as a strip, what is
 * wrong and how to fix it, the connects, every hop, notes, and the probes' raw output.
 */
export function TraceDetails({ trace, activeLink, onSelectLink }: TraceDetailsProps) {
  const finished = trace.status !== 'running';
  return (
    <div className="space-y-5" data-testid="trace-details">
      {/* A failed trace says why before anything else. */}
      {trace.status === 'error' && <TraceNotes trace={trace} />}
      {trace.path.length > 0 && (
        <Section title="Path">
          <PathStrip
            orientation="vertical"
            trace={trace}
            activeLink={activeLink}
            onSelectLink={(i) => onSelectLink(i === activeLink ? null : i)}
          />
        </Section>
      )}
      {finished && (
        <Section title="Diagnosis">
          <FindingsPanel trace={trace} activeLink={activeLink} onSelectLink={onSelectLink} />
        </Section>
      )}
      {trace.status !== 'error' && <TraceNotes trace={trace} />}
      {trace.connect && (
        <Section title="Connects">
          <ConnectSummaryView connect={trace.connect} />
        </Section>
      )}
      <Section title="Hops">
        <HopTable trace={trace} />
      </Section>
      {finished && (
        <Section title="Raw probe output">
          <RawOutput raw={trace.raw} />
        </Section>
      )}
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section aria-label={title}>
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-fg-muted uppercase">{title}</h3>
      {children}
    </section>
  );
}
