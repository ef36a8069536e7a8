import { Suspense } from 'react';
import { ClusterOverview } from '@/components/cluster-overview/cluster-overview';

// The page reads its trace choice from the URL (`/?from=...&to=...&trace=ID`).
export const dynamic = 'force-dynamic';

export default function HomePage() {
  return (
    <Suspense>
      <ClusterOverview />
    </Suspense>
  );
}
