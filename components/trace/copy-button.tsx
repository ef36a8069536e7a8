'use client';

import { useEffect, useState } from 'react';

export interface CopyButtonProps {
  /** What goes to the clipboard. */
  text: string;
  /** Accessible name and visible label, e.g. "Copy link" or "Copy commands". */
  label: string;
  className?: string;
}

/**
 * Copies `text` and says so for two seconds. Falls back to a hidden textarea where the
 * asynchronous clipboard is unavailable (plain http on a LAN address is not a secure context).
 */
export function CopyButton({ text, label, className }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);

  const copy = async () => {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        copyWithTextarea(text);
      }
      setState('copied');
    } catch {
      try {
        copyWithTextarea(text);
        setState('copied');
      } catch {
        setState('failed');
      }
    }
  };

  return (
    <button
      type="button"
      onClick={() => void copy()}
      data-copy-text={text}
      aria-label={label}
      className={
        className ??
        'inline-flex h-7 items-center gap-1 rounded-md border border-line px-2 text-xs font-medium text-fg-muted hover:bg-surface-2 hover:text-fg focus-visible:outline-2 focus-visible:outline-accent'
      }
    >
      {/* Fixed width: the label changing must not move its neighbours. */}
      <span className="inline-block min-w-[5.5rem] text-center" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
      </span>
    </button>
  );
}

function copyWithTextarea(text: string): void {
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('copy refused');
}
