'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { Finding, FindingFix, Severity, TraceResult } from '@/lib/trace/types';
import { CopyButton } from './copy-button';
import { ErrorIcon, InfoIcon, OkIcon, WarningIcon } from './icons';
import {
  explanationParagraphs,
  fixCommandsText,
  linkEndpoints,
  looksLikeOutput,
  pathElementLabel,
  sortFindings,
} from './format';
import { InlineText } from './trace-notes';

export interface FindingsPanelProps {
  trace: TraceResult;
  /** Index into trace.links of the link shown as selected (on the path picture, say). */
  activeLink?: number | null;
  /** Called with a finding's link when its link button is pressed, null to clear it again. */
  onSelectLink?: (link: number | null) => void;
}

const SEVERITY: Record<
  Severity,
  { word: string; chip: string; edge: string; icon: (props: { className: string }) => ReactNode }
> = {
  error: {
    word: 'Error',
    chip: 'bg-danger-soft text-danger',
    edge: 'border-l-danger',
    icon: ErrorIcon,
  },
  warning: {
    word: 'Warning',
    chip: 'bg-warn-soft text-warn',
    edge: 'border-l-warn',
    icon: WarningIcon,
  },
  info: {
    word: 'Info',
    chip: 'bg-accent-soft text-accent',
    edge: 'border-l-accent',
    icon: InfoIcon,
  },
};

/**
 * What the diagnosis rules concluded about a trace: one card per finding, errors first, each with
 * the link it is about, the reasoning, the evidence and fixes ready to copy.
 */
export function FindingsPanel({ trace, activeLink, onSelectLink }: FindingsPanelProps) {
  const findings = sortFindings(trace.findings);
  const listRef = useRef<HTMLOListElement>(null);
  const id = useId();

  useEffect(() => {
    if (activeLink === null || activeLink === undefined) return;
    const card = listRef.current?.querySelector<HTMLElement>(
      `[data-testid="finding"][data-link="${activeLink}"]`,
    );
    if (!card) return;
    const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
    card.scrollIntoView({ block: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
  }, [activeLink]);

  const counts = countBySeverity(findings);

  return (
    // No heading of its own: the page puts it under one ("Diagnosis"), so the cards are h4.
    <div data-testid="findings-panel" className="flex flex-col gap-3">
      {findings.length > 0 && (
        <p data-testid="findings-count" className="text-xs text-fg-muted tabular-nums">
          {findings.length} finding{findings.length === 1 ? '' : 's'}:{' '}
          {(['error', 'warning', 'info'] as const)
            .filter((s) => counts[s] > 0)
            .map(
              (s) => `${counts[s]} ${SEVERITY[s].word.toLowerCase()}${counts[s] === 1 ? '' : 's'}`,
            )
            .join(' · ')}
        </p>
      )}

      {findings.length === 0 ? (
        <NoFindings status={trace.status} />
      ) : (
        <ol ref={listRef} className="flex flex-col gap-3">
          {findings.map((f, i) => (
            <li key={`${f.rule}-${i}`}>
              <FindingCard
                finding={f}
                idPrefix={`${id}-${i}`}
                trace={trace}
                active={f.link !== null && f.link === activeLink}
                onSelectLink={onSelectLink}
              />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

function NoFindings({ status }: { status: TraceResult['status'] }) {
  if (status === 'running') {
    return (
      <p data-testid="findings-empty" className="text-sm text-fg-muted">
        The diagnosis runs when the trace finishes.
      </p>
    );
  }
  if (status === 'reachable') {
    return (
      <p
        data-testid="findings-empty"
        className="flex items-center gap-2 rounded-md border border-line bg-surface px-3 py-2.5 text-sm text-fg"
      >
        <OkIcon className="h-4 w-4 shrink-0 text-ok" />
        No problems found on this path.
      </p>
    );
  }
  return (
    <div
      data-testid="findings-empty"
      className="flex gap-2 rounded-md border border-line bg-surface px-3 py-2.5 text-sm"
    >
      <InfoIcon className="mt-0.5 h-4 w-4 shrink-0 text-fg-subtle" />
      <div>
        <p className="text-fg">No rule explains this result.</p>
        <p className="mt-0.5 text-fg-muted">
          The raw probe output shows where the packets stopped: the last hop that answered in the
          traceroute, and the errors of the connects.
        </p>
      </div>
    </div>
  );
}

interface FindingCardProps {
  finding: Finding;
  idPrefix: string;
  trace: TraceResult;
  active: boolean;
  onSelectLink?: (link: number | null) => void;
}

function FindingCard({ finding, idPrefix, trace, active, onSelectLink }: FindingCardProps) {
  const sev = SEVERITY[finding.severity];
  const Icon = sev.icon;
  const titleId = `${idPrefix}-title`;
  const paragraphs = explanationParagraphs(finding.explanation);

  return (
    <article
      data-testid="finding"
      data-rule={finding.rule}
      data-severity={finding.severity}
      data-link={finding.link ?? ''}
      data-active={active ? 'true' : undefined}
      aria-labelledby={titleId}
      aria-current={active ? 'true' : undefined}
      className={`scroll-m-4 rounded-lg border border-l-4 bg-surface px-4 py-3.5 transition-shadow ${sev.edge} ${
        active ? 'border-line-strong shadow-md ring-2 ring-accent' : 'border-line'
      }`}
    >
      <header className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span
          className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-semibold ${sev.chip}`}
        >
          <Icon className="h-3.5 w-3.5" />
          {sev.word}
        </span>
        <span className="font-mono text-xs text-fg-subtle" title="Diagnosis rule">
          {finding.rule}
        </span>
      </header>

      <h4 id={titleId} className="mt-2 text-[15px] leading-snug font-semibold text-fg">
        <InlineText text={finding.title} />
      </h4>

      <LinkRef trace={trace} link={finding.link} active={active} onSelectLink={onSelectLink} />

      {paragraphs.length > 0 && (
        <div className="mt-3 max-w-[75ch] space-y-2 text-sm leading-relaxed text-fg">
          {paragraphs.map((p, i) => (
            <p key={i}>
              <InlineText text={p} />
            </p>
          ))}
        </div>
      )}

      {finding.evidence.length > 0 && (
        <div className="mt-4">
          <h5
            id={`${titleId}-evidence`}
            className="text-xs font-semibold tracking-wide text-fg-muted uppercase"
          >
            Evidence
          </h5>
          <ul className="mt-1.5 space-y-1.5 text-sm">
            {finding.evidence.map((e, i) => (
              <Evidence key={i} text={e} />
            ))}
          </ul>
        </div>
      )}

      {finding.fix.length > 0 && (
        <div className="mt-4">
          <h5
            id={`${titleId}-fix`}
            className="text-xs font-semibold tracking-wide text-fg-muted uppercase"
          >
            {finding.fix.length === 1 ? 'Fix' : 'Fixes'}
          </h5>
          <ol className="mt-1.5 space-y-3">
            {finding.fix.map((fix, i) => (
              <FixView key={i} fix={fix} number={finding.fix.length > 1 ? i + 1 : null} />
            ))}
          </ol>
        </div>
      )}
    </article>
  );
}

function LinkRef({
  trace,
  link,
  active,
  onSelectLink,
}: {
  trace: TraceResult;
  link: number | null;
  active: boolean;
  onSelectLink?: (link: number | null) => void;
}) {
  if (link === null) {
    return <p className="mt-1 text-xs text-fg-subtle">Not about one link of the path.</p>;
  }
  const ends = linkEndpoints(trace, link);
  const state = trace.links[link]?.state;
  const words = ends ? (
    <>
      between <code className="font-mono">{ends.from.id}</code> and{' '}
      <code className="font-mono">{ends.to.id}</code>
    </>
  ) : (
    <>link {link}</>
  );
  const title = ends
    ? `${pathElementLabel(ends.from)} → ${pathElementLabel(ends.to)}${state ? ` (${state})` : ''}`
    : undefined;
  const stateWord =
    state && state !== 'ok' ? <span className="text-fg-subtle"> · {state}</span> : null;

  if (!onSelectLink) {
    return (
      <p className="mt-1 text-xs break-all text-fg-muted" title={title}>
        {words}
        {stateWord}
      </p>
    );
  }
  return (
    <p className="mt-1 text-xs">
      <button
        type="button"
        data-testid="finding-link"
        aria-pressed={active}
        title={active ? 'Clear the highlight' : `Show this link on the path: ${title ?? ''}`}
        onClick={() => onSelectLink(active ? null : link)}
        className={`inline-flex max-w-full items-center gap-1.5 rounded-md px-1.5 py-0.5 text-left break-all hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent ${
          active ? 'bg-accent-soft text-accent' : 'text-fg-muted'
        }`}
      >
        <LinkIcon className="h-3.5 w-3.5 shrink-0" />
        <span>
          {words}
          {stateWord}
        </span>
      </button>
    </p>
  );
}

function Evidence({ text }: { text: string }) {
  if (looksLikeOutput(text)) {
    return (
      <li>
        <pre className="overflow-x-auto rounded-md bg-surface-2 px-2.5 py-1.5 font-mono text-xs leading-5 whitespace-pre-wrap text-fg">
          {text}
        </pre>
      </li>
    );
  }
  return (
    <li className="flex gap-2 leading-relaxed text-fg">
      <span aria-hidden="true" className="mt-2 h-1 w-1 shrink-0 rounded-full bg-fg-subtle" />
      <span className="min-w-0 break-words">
        <InlineText text={text} />
      </span>
    </li>
  );
}

function FixView({ fix, number }: { fix: FindingFix; number: number | null }) {
  const commands = fixCommandsText(fix);
  const yaml = fix.yaml ?? '';
  return (
    <li data-testid="finding-fix" className="rounded-md border border-line p-3">
      <p className="flex gap-2 text-sm leading-relaxed font-medium text-fg">
        {number !== null && (
          <span
            aria-hidden="true"
            className="mt-0.5 inline-flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-surface-2 text-xs text-fg-muted tabular-nums"
          >
            {number}
          </span>
        )}
        <span className="min-w-0 break-words">
          <InlineText text={fix.title} />
        </span>
      </p>
      {commands && (
        <CodeBlock
          caption="Commands"
          text={commands}
          copyLabel="Copy commands"
          testId="fix-commands"
        />
      )}
      {yaml && (
        <CodeBlock
          caption={/^\s*[{[]/.test(yaml) ? 'Config (JSON)' : 'YAML'}
          text={yaml}
          copyLabel="Copy YAML"
          testId="fix-yaml"
        />
      )}
    </li>
  );
}

function CodeBlock({
  caption,
  text,
  copyLabel,
  testId,
}: {
  caption: string;
  text: string;
  copyLabel: string;
  testId: string;
}) {
  const lines = text.replace(/\n$/, '').split('\n');
  return (
    <figure className="mt-2.5" data-testid={testId}>
      <figcaption className="flex items-center justify-between gap-2 pb-1">
        <span className="text-xs font-medium text-fg-muted">{caption}</span>
        <CopyButton text={text} label={copyLabel} />
      </figcaption>
      <pre className="overflow-x-auto rounded-md border border-line bg-surface-2 px-3 py-2 font-mono text-xs leading-5 text-fg">
        <code>
          {lines.map((line, i) => (
            // Shell comments say where and why to run a line: quieter than the commands. Plain
            // newlines between the spans, so selecting the block copies it as it reads.
            <span key={i} className={/^\s*#/.test(line) ? 'text-fg-subtle' : undefined}>
              {line}
              {i < lines.length - 1 ? '\n' : ''}
            </span>
          ))}
        </code>
      </pre>
    </figure>
  );
}

function LinkIcon({ className }: { className: string }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={className}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
    >
      <circle cx="3.5" cy="8" r="2" />
      <circle cx="12.5" cy="8" r="2" />
      <path d="M5.5 8h5" strokeLinecap="round" />
    </svg>
  );
}
