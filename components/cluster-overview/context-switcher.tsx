'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchContexts, switchContext } from '@/lib/api/client';
import { clusterKeys } from '@/lib/api/query-keys';

/**
 * Lists the kubeconfig's contexts; choosing one asks the server to switch (the server owns the
 * cluster connection) and then refetches everything about the cluster.
 */
export function ContextSwitcher({ onSwitched }: { onSwitched: () => void }) {
  const queryClient = useQueryClient();
  const contexts = useQuery({
    queryKey: clusterKeys.contexts(),
    queryFn: ({ signal }) => fetchContexts(signal),
  });
  const mutation = useMutation({
    mutationFn: switchContext,
    onSuccess: (data) => {
      onSwitched();
      // Reset, not invalidate: the old cluster's inventory must vanish at once rather than stay
      // on screen under the new context's name while the new one loads. Not awaited, so the
      // switch is done as soon as the server says so.
      void queryClient.resetQueries({ queryKey: clusterKeys.all });
      queryClient.setQueryData(clusterKeys.contexts(), data);
    },
  });

  const current = contexts.data?.current ?? '';
  const names = contexts.data?.contexts ?? [];
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="context-switcher" className="text-xs font-medium text-fg-muted">
        Context
      </label>
      <select
        id="context-switcher"
        value={mutation.isPending ? (mutation.variables?.context ?? current) : current}
        disabled={contexts.isPending || mutation.isPending}
        onChange={(e) => mutation.mutate({ context: e.target.value })}
        className="h-8 max-w-56 rounded-md border border-line bg-surface px-2 font-mono text-sm focus-visible:outline-2 focus-visible:outline-accent disabled:opacity-60"
      >
        {names.length === 0 && <option value="">{contexts.isError ? 'unavailable' : '…'}</option>}
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      {mutation.isPending && (
        <span role="status" className="text-xs text-fg-muted">
          switching…
        </span>
      )}
      {mutation.isError && (
        <span role="alert" className="text-xs text-danger">
          {mutation.error.message}
        </span>
      )}
    </div>
  );
}
