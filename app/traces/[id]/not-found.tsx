import { TraceNotFound } from '@/components/trace-view/trace-not-found';

export default function NotFound() {
  return <TraceNotFound />;
}
