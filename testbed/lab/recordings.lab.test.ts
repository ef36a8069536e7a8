/**
 * The recordings the replay runtime serves must still be what the live lab prints: every
 * recorded probe is run again and compared hop for hop (addresses and `*` positions; RTTs
 * differ), connect probes by their full output, others by exit code. Random results (a caller
 * that is its own Service's endpoint, S2) are skipped. Regenerate with `npm run lab:record`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { scenarios } from '../scenarios';
import type { NetworkLab } from './lab';
import { assertRoot, labTestsOff } from './lab-test-support';
import { startLab } from './lab';
import { hopShape, readRecording, type RecordingEntry } from './recording';
import { runProbes } from './recording-plan';
import { scenarioServiceObjects } from './scenario-objects';

/** What must stay equal between a recording and a live run of the same probe. */
function comparable(entry: RecordingEntry): unknown {
  const text = entry.output.map((o) => o.text).join('');
  const command = entry.argv[0] ?? '';
  if (command === 'traceroute' || command === 'tracepath') {
    return { exitCode: entry.exitCode, hops: hopShape(text) };
  }
  if (command === 'nc') return { exitCode: entry.exitCode, text };
  return { exitCode: entry.exitCode };
}

describe.skipIf(labTestsOff)('recordings match the live lab', () => {
  let lab: NetworkLab | undefined;

  afterEach(async () => {
    await lab?.close();
    lab = undefined;
  });

  for (const name of Object.keys(scenarios)) {
    it(`${name}: every recorded probe prints the same hops live`, async () => {
      assertRoot();
      const scenario = scenarios[name]!;
      const recording = readRecording(name);
      expect(recording, `testbed/recordings/${name}.json (npm run lab:record)`).not.toBeNull();
      const recorded = recording!.entries.filter((e) => !e.varies);
      expect(recorded.length).toBeGreaterThan(20);

      lab = await startLab(scenario);
      const objects = scenarioServiceObjects(scenario);
      await lab.syncServices(objects.services, objects.endpointSlices);
      const live = await runProbes(
        lab,
        scenario,
        recorded.map((e) => ({ ...e, varies: false })),
      );
      const mismatches = recorded
        .map((entry, i) => ({ entry, live: live[i]! }))
        .filter(
          ({ entry, live }) =>
            JSON.stringify(comparable(entry)) !== JSON.stringify(comparable(live)),
        )
        .map(({ entry, live }) => ({
          probe: `${entry.node} ${entry.source} ${entry.image} ${entry.argv.join(' ')}`,
          recorded: comparable(entry),
          live: comparable(live),
        }));
      expect(mismatches).toEqual([]);
    }, 90_000);
  }
});
