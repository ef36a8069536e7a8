/**
 * `npm run bench:lab [runs]`: builds a 3-node, 10-pod lab (the demo cluster topped up with pods)
 * several times and prints build and teardown times (median, max), checking after each run
 * that no namespace of the lab is left. Needs root.
 */
import { labAvailable, startLab } from '../testbed/lab/index';
import { namespacesWithPrefix } from '../testbed/lab/teardown';
import { demoScenario } from '../testbed/scenarios/demo';
import type { Scenario } from '../testbed/scenarios/types';

const runs = Number(process.argv[2] ?? 5);

/** The demo cluster topped up with pods until it has 10 pods with their own network. */
function benchScenario(): Scenario {
  const own = demoScenario.pods.filter((p) => !p.hostNetwork).length;
  const missing = Math.max(0, 10 - own);
  const extra = Array.from({ length: missing }, (_, k) => k + 1).map((i) => ({
    namespace: 'default',
    name: `bench-${i}`,
    node: i % 2 === 0 ? 'node-2' : 'node-1',
    ip: `10.244.${i % 2 === 0 ? 2 : 1}.${100 + i}`,
    image: 'nginx',
    ports: [{ containerPort: 8080 }],
  }));
  return { ...demoScenario, pods: [...demoScenario.pods, ...extra] };
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 0 ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!;
  return `median ${median.toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms`;
}

const available = await labAvailable();
if (!available.ok) {
  process.stderr.write(`bench:lab needs the live network lab: ${available.reason}\n`);
  process.exit(1);
}
const scenario = benchScenario();
const podCount = scenario.pods.filter((p) => !p.hostNetwork).length;
const builds: number[] = [];
const teardowns: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const lab = await startLab(scenario);
  const t1 = performance.now();
  await lab.close();
  const t2 = performance.now();
  const left = await namespacesWithPrefix(lab.prefix);
  if (left.length > 0) throw new Error(`run ${i + 1} left namespaces behind: ${left.join(' ')}`);
  builds.push(t1 - t0);
  teardowns.push(t2 - t1);
}
process.stdout.write(
  `lab with ${scenario.nodes.length} nodes and ${podCount} pods, ${runs} runs\n` +
    `build:    ${stats(builds)}\n` +
    `teardown: ${stats(teardowns)} (nothing left behind)\n`,
);
