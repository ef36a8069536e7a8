import { Fragment, type ReactNode } from 'react';
import type {
  Finding,
  LinkState,
  PathElement,
  PathElementKind,
  PathLink,
  TraceResult,
} from '@/lib/trace/types';
import { pathElementLabel } from './format';

export interface PathStripProps {
  trace: Pick<TraceResult, 'path' | 'links' | 'findings'>;
  /** Index into `trace.links` of the link to show as selected. */
  activeLink?: number | null;
  /** When given, links are buttons that report their index. */
  onSelectLink?: (index: number) => void;
  className?: string;
  /** `vertical` reads top to bottom, for narrow side panels; `horizontal` wraps (default). */
  orientation?: 'horizontal' | 'vertical';
}

/**
 * A trace's path as one horizontal chain that wraps on narrow screens: a chip per element (icon
 * by kind, short label) and, between them, each link in its state's colour with a word or icon
 * too (never colour alone), its success ratio or RTT, and the rules of the findings on it.
 */
export function PathStrip({
  trace,
  activeLink = null,
  onSelectLink,
  className,
  orientation = 'horizontal',
}: PathStripProps) {
  const vertical = orientation === 'vertical';
  const { path, links, findings } = trace;
  // Links join neighbours; index them by their first element so the chain reads in order.
  const linkAfter = new Map<number, number>();
  links.forEach((l, i) => {
    if (l.to === l.from + 1 && !linkAfter.has(l.from)) linkAfter.set(l.from, i);
  });

  if (path.length === 0) {
    return (
      <p data-testid="path-strip" className="text-sm text-fg-muted">
        No path: the trace did not get far enough to draw one.
      </p>
    );
  }

  return (
    <ol
      data-testid="path-strip"
      aria-label="Path"
      data-orientation={orientation}
      className={`${vertical ? 'flex flex-col items-start' : 'flex flex-wrap items-center gap-x-0 gap-y-3'} ${className ?? ''}`}
    >
      {path.map((el, i) => {
        const li = linkAfter.get(i);
        const link = li === undefined ? undefined : links[li];
        return (
          <Fragment key={i}>
            <li className="flex items-center">
              <PathChip element={el} />
            </li>
            {link && li !== undefined && (
              <li className="flex items-center">
                <PathLinkView
                  index={li}
                  link={link}
                  from={el}
                  to={path[link.to]}
                  findings={findings.filter((f) => f.link === li)}
                  active={activeLink === li}
                  onSelect={onSelectLink}
                  vertical={vertical}
                />
              </li>
            )}
          </Fragment>
        );
      })}
    </ol>
  );
}

function PathChip({ element }: { element: PathElement }) {
  const short = shortElementLabel(element.id);
  return (
    <span
      data-testid="path-chip"
      data-id={element.id}
      data-kind={element.kind}
      title={
        element.label && element.label !== short ? `${element.label}\n${element.id}` : element.id
      }
      className="inline-flex h-7 max-w-[15rem] items-center gap-1.5 rounded-md border border-line bg-surface-2 px-2 text-xs font-medium text-fg"
    >
      <KindIcon kind={element.kind} />
      <span className="sr-only">{element.kind} </span>
      <span className="truncate font-mono">{short}</span>
    </span>
  );
}

interface LinkViewProps {
  index: number;
  link: PathLink;
  from: PathElement;
  to: PathElement | undefined;
  findings: Finding[];
  active: boolean;
  onSelect?: (index: number) => void;
  vertical?: boolean;
}

function PathLinkView({
  index,
  link,
  from,
  to,
  findings,
  active,
  onSelect,
  vertical = false,
}: LinkViewProps) {
  const style = LINK_STYLES[link.state];
  const caption = linkCaption(link);
  const rules = [...new Set(findings.map((f) => f.rule))];
  const worst = findings.some((f) => f.severity === 'error')
    ? 'bg-danger-soft text-danger'
    : findings.some((f) => f.severity === 'warning')
      ? 'bg-warn-soft text-warn'
      : 'bg-accent-soft text-accent';
  const description = [
    `${from.id} → ${to?.id ?? '?'}`,
    style.word,
    link.label ?? caption,
    rules.length > 0 ? `finding: ${rules.join(', ')}` : null,
  ]
    .filter(Boolean)
    .join(', ');

  const ruleChips = rules.map((r) => (
    <span
      key={r}
      className={`rounded px-1 text-[10px] leading-4 font-semibold whitespace-nowrap ${worst}`}
    >
      {r}
    </span>
  ));
  // Top to bottom: a short vertical line in the state's colour, its badge, caption and rules.
  const verticalBody: ReactNode = (
    <>
      <span aria-hidden="true" className="flex w-4 flex-col items-center self-stretch">
        <span className={`w-0 flex-1 border-l-2 ${style.line}`} />
        <span
          className={`my-0.5 inline-flex h-4 w-4 shrink-0 items-center justify-center rounded-full text-[10px] leading-none font-bold ${style.badge}`}
        >
          {style.icon}
        </span>
        <span className={`w-0 flex-1 border-l-2 ${style.line}`} />
        <span className={`-mt-1 text-[9px] leading-none ${style.text}`}>▼</span>
      </span>
      <span className="flex min-w-0 items-center gap-1.5 py-1.5">
        <span className={`text-[11px] tabular-nums ${style.text}`}>{caption ?? style.word}</span>
        {ruleChips}
      </span>
      <span className="sr-only">{description}</span>
    </>
  );
  const body: ReactNode = vertical ? (
    verticalBody
  ) : (
    <>
      <span
        className={`block h-4 max-w-[9rem] truncate text-center text-[11px] leading-4 tabular-nums ${style.text}`}
      >
        {caption ?? ' '}
      </span>
      <span className="flex w-full items-center" aria-hidden="true">
        <span className={`h-0 flex-1 border-t-2 ${style.line}`} />
        <span
          className={`mx-0.5 inline-flex h-4 w-4 shrink-0 items-center justify-center rounded-full text-[10px] leading-none font-bold ${style.badge}`}
        >
          {style.icon}
        </span>
        <span className={`h-0 flex-1 border-t-2 ${style.line}`} />
        <span className={`-ml-1 text-[10px] leading-none ${style.text}`}>▶</span>
      </span>
      <span className="flex h-4 items-center justify-center gap-1">{ruleChips}</span>
      <span className="sr-only">{description}</span>
    </>
  );

  const common = {
    'data-testid': 'path-link',
    'data-state': link.state,
    'data-index': index,
    title: description,
  };
  const box = vertical
    ? 'ml-2.5 flex min-h-9 items-stretch gap-2 rounded-md pr-2 text-left'
    : 'mx-1 flex w-24 min-w-[4.5rem] flex-col items-stretch rounded-md px-1 py-0.5 lg:w-28';

  if (!onSelect) {
    return (
      <span {...common} className={box}>
        {body}
      </span>
    );
  }
  return (
    <button
      type="button"
      {...common}
      aria-pressed={active}
      onClick={() => onSelect(index)}
      className={`${box} cursor-pointer ${active ? 'bg-accent-soft ring-1 ring-accent' : 'hover:bg-surface-2'} focus-visible:outline-2 focus-visible:outline-accent`}
    >
      {body}
    </button>
  );
}

const LINK_STYLES: Record<
  LinkState,
  { word: string; icon: string; line: string; text: string; badge: string }
> = {
  ok: { word: 'ok', icon: '✓', line: 'border-ok', text: 'text-ok', badge: 'bg-ok-soft text-ok' },
  intermittent: {
    word: 'intermittent',
    icon: '~',
    line: 'border-warn',
    text: 'text-warn',
    badge: 'bg-warn-soft text-warn',
  },
  broken: {
    word: 'broken',
    icon: '✕',
    line: 'border-danger',
    text: 'text-danger',
    badge: 'bg-danger-soft text-danger',
  },
  unknown: {
    word: 'unknown',
    icon: '?',
    line: 'border-dashed border-line-strong',
    text: 'text-fg-subtle',
    badge: 'bg-surface-2 text-fg-subtle',
  },
};

/** The few characters over a link: "7/10" for a ratio, else "0.6 ms", else its label. */
export function linkCaption(link: PathLink): string | null {
  if (link.successRatio) return `${link.successRatio.ok}/${link.successRatio.total}`;
  if (link.rttMs !== null && link.rttMs !== undefined) return formatLinkMs(link.rttMs);
  return link.label ?? null;
}

function formatLinkMs(ms: number): string {
  return `${ms.toFixed(ms < 0.1 ? 2 : ms < 100 ? 1 : 0)} ms`;
}

/** A short label for a path element id (`node-2/cni0` → `cni0 · node-2`); see format.ts. */
export function shortElementLabel(id: string): string {
  return pathElementLabel(id);
}

/** 14 px line icons, one per element kind; decorative (the kind is also in the chip's text). */
export function KindIcon({ kind, className }: { kind: PathElementKind; className?: string }) {
  const cls = `h-3.5 w-3.5 shrink-0 ${KIND_COLOURS[kind]} ${className ?? ''}`;
  const common = {
    viewBox: '0 0 16 16',
    fill: 'none',
    stroke: 'currentColor',
    strokeWidth: 1.5,
    strokeLinecap: 'round' as const,
    strokeLinejoin: 'round' as const,
    'aria-hidden': true,
    className: cls,
  };
  switch (kind) {
    case 'pod':
      return (
        <svg {...common}>
          <path d="M8 1.5 14 5v6l-6 3.5L2 11V5z" />
          <path d="M2 5l6 3.5L14 5M8 8.5v6" />
        </svg>
      );
    case 'interface':
      return (
        <svg {...common}>
          <rect x="2" y="4" width="12" height="8" rx="1.5" />
          <path d="M5 12v2M8 12v2M11 12v2M5 7h6" />
        </svg>
      );
    case 'node':
      return (
        <svg {...common}>
          <rect x="2" y="2" width="12" height="5" rx="1" />
          <rect x="2" y="9" width="12" height="5" rx="1" />
          <path d="M5 4.5h.01M5 11.5h.01" />
        </svg>
      );
    case 'service':
      return (
        <svg {...common}>
          <circle cx="4" cy="8" r="2" />
          <circle cx="12" cy="3.5" r="1.75" />
          <circle cx="12" cy="12.5" r="1.75" />
          <path d="M6 7l4.3-2.7M6 9l4.3 2.7" />
        </svg>
      );
    case 'loadbalancer':
      return (
        <svg {...common}>
          <path d="M8 2v5M8 7 3 12M8 7l5 5M8 7v7" />
          <circle cx="8" cy="2.5" r="1" />
        </svg>
      );
    case 'external':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6" />
          <path d="M2 8h12M8 2c2 2 2 10 0 12M8 2c-2 2-2 10 0 12" />
        </svg>
      );
    case 'unknown':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="6" strokeDasharray="2 2" />
          <path d="M6.5 6.5a1.5 1.5 0 1 1 2 1.4c-.5.2-.5.6-.5 1.1M8 11h.01" />
        </svg>
      );
  }
}

const KIND_COLOURS: Record<PathElementKind, string> = {
  pod: 'text-accent',
  interface: 'text-fg-muted',
  node: 'text-fg-muted',
  service: 'text-accent',
  loadbalancer: 'text-accent',
  external: 'text-fg-muted',
  unknown: 'text-fg-subtle',
};
