'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { retryUnlessClientError } from '@/lib/api/client';

/** One QueryClient per browser tab; 4xx answers are final, everything else is retried. */
export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            retry: retryUnlessClientError,
            retryDelay: (attempt) => Math.min(500 * 2 ** attempt, 5_000),
            refetchOnWindowFocus: false,
            staleTime: 2_000,
          },
          mutations: { retry: false },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
