/**
 * Starts a lab and holds it until the process is signalled: the teardown tests kill this
 * process (SIGTERM, SIGKILL) to check that nothing is left behind either way.
 * Usage: tsx testbed/lab/lab-holder.ts <scenario>
 */
import { scenarios } from '../scenarios';
import { startLab } from './lab';

const scenario = scenarios[process.argv[2] ?? 'demo'];
if (!scenario) {
  process.stderr.write(`unknown scenario ${process.argv[2]}\n`);
  process.exit(2);
}
const lab = await startLab(scenario);
process.stdout.write(`ready ${lab.prefix}\n`);
setInterval(() => undefined, 60_000);
