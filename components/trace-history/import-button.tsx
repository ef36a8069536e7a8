'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState } from 'react';
import { importTraceFile } from '@/lib/api/client';
import { traceKeys } from '@/lib/api/query-keys';
import { MAX_TRACE_EXPORT_BYTES } from '@/lib/api/trace-export';

/**
 * "Import JSON": picks an exported trace file, sends it to the server as it is and opens the
 * imported copy. What is wrong with a bad file is the server's to say; it is shown inline.
 */
export function ImportButton() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const [localError, setLocalError] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);

  const upload = useMutation({
    mutationFn: importTraceFile,
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: traceKeys.lists() });
      router.push(created.url);
    },
  });

  const onFile = async (file: File | undefined) => {
    setLocalError(null);
    upload.reset();
    if (!file) return;
    setFileName(file.name);
    if (file.size > MAX_TRACE_EXPORT_BYTES) {
      setLocalError(
        `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB; a trace export is at most 5 MB`,
      );
      return;
    }
    upload.mutate(await file.text());
  };

  const error = localError ?? (upload.isError ? upload.error.message : null);

  return (
    <div className="relative flex flex-col items-end">
      <input
        ref={input}
        type="file"
        accept=".json,application/json"
        data-testid="import-input"
        className="hidden"
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const file = e.target.files?.[0];
          // Cleared, so picking the same file again after a fix still fires.
          e.target.value = '';
          void onFile(file);
        }}
      />
      <button
        type="button"
        onClick={() => input.current?.click()}
        disabled={upload.isPending}
        aria-describedby={error ? errorId : undefined}
        className="inline-flex h-8 items-center gap-1.5 rounded-md border border-line bg-surface px-3 text-sm font-medium hover:bg-surface-2 focus-visible:outline-2 focus-visible:outline-accent disabled:opacity-60"
      >
        <svg
          viewBox="0 0 16 16"
          aria-hidden="true"
          className="h-3.5 w-3.5"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M8 2v8M4.5 6.5 8 10l3.5-3.5M2.5 11.5v2h11v-2" />
        </svg>
        {upload.isPending ? 'Importing…' : 'Import JSON'}
      </button>
      {error && (
        <p
          id={errorId}
          role="alert"
          data-testid="import-error"
          className="absolute top-full right-0 z-20 mt-1 w-96 rounded-md border border-danger bg-danger-soft px-3 py-2 text-xs text-danger shadow-sm"
        >
          <span className="font-medium">{fileName ?? 'The file'} was not imported:</span> {error}
          <button
            type="button"
            onClick={() => {
              setLocalError(null);
              upload.reset();
            }}
            className="ml-2 underline hover:no-underline focus-visible:outline-2 focus-visible:outline-accent"
          >
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}
