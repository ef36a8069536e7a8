import { ClusterOverview } from '@/components/cluster-overview/cluster-overview';

export default function HomePage() {
  return <ClusterOverview />;
}
