/**
 * `npm run lab:record [scenario...]`: builds each scenario's live lab (root needed), runs the
 * recording plan and writes testbed/recordings/<scenario>.json for the replay runtime.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { scenarioServiceObjects } from './scenario-objects';
import { scenarios } from '../scenarios';
import { labAvailable } from './index';
import { startLab } from './lab';
import { DEFAULT_RECORDINGS_DIR, recordingKey, type Recording } from './recording';
import { recordingPlan, runProbes } from './recording-plan';

async function record(name: string): Promise<void> {
  const scenario = scenarios[name];
  if (!scenario)
    throw new Error(`unknown scenario ${name} (have ${Object.keys(scenarios).join(', ')})`);
  const started = Date.now();
  const lab = await startLab(scenario);
  try {
    const objects = scenarioServiceObjects(scenario);
    await lab.syncServices(objects.services, objects.endpointSlices);
    const plan = recordingPlan(scenario);
    const entries = await runProbes(lab, scenario, plan);
    entries.sort((a, b) =>
      recordingKey(a.node, a.source, a.image, a.argv).localeCompare(
        recordingKey(b.node, b.source, b.image, b.argv),
      ),
    );
    const defects = Object.entries(scenario.defects)
      .filter(([, on]) => on)
      .map(([k]) => k);
    const recording: Recording = {
      scenario: scenario.name,
      note: `recorded from the podpath network lab with the scenario's defects on (${defects.join(', ')}), no fix applied`,
      recordedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      entries,
    };
    mkdirSync(DEFAULT_RECORDINGS_DIR, { recursive: true });
    const file = path.join(DEFAULT_RECORDINGS_DIR, `${scenario.name}.json`);
    writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
    process.stdout.write(
      `${scenario.name}: ${entries.length} probes recorded in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${path.relative(process.cwd(), file)}\n`,
    );
  } finally {
    await lab.close();
  }
}

const available = await labAvailable();
if (!available.ok) {
  process.stderr.write(`lab:record needs the live network lab: ${available.reason}\n`);
  process.exit(1);
}
const names = process.argv.slice(2);
for (const name of names.length > 0 ? names : Object.keys(scenarios)) await record(name);
