/**
 * The probe image's connect tool (probe-image/podpath-connect) in the lab, run as a container of
 * podpath's image would run it: /bin/sh on the shipped script, as nobody, no capabilities. Its
 * output must be what lib/probes/connect-output.ts reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectOutput } from '../../lib/probes/connect-output';
import { demoScenario } from '../scenarios/demo';
import type { NetworkLab } from './lab';
import { assertRoot, labTestsOff, runContainer, sandbox } from './lab-test-support';
import { startLab } from './lab';
import { scenarioServiceObjects } from './scenario-objects';

const IMAGE = 'ghcr.io/podpath/probe:0.1.0';
const restricted = { runAsNonRoot: true, capabilities: { drop: ['ALL'] } };

describe.skipIf(labTestsOff)('podpath-connect in the lab', () => {
  let lab: NetworkLab;
  const probePod = sandbox('podpath', 'connect-probe', 'node-2', { podIP: '10.244.2.40' });

  beforeAll(async () => {
    assertRoot();
    lab = await startLab(demoScenario);
    const objects = scenarioServiceObjects(demoScenario);
    await lab.syncServices(objects.services, objects.endpointSlices);
    await lab.runtime.createSandbox(probePod);
  });

  afterAll(async () => {
    await lab?.close();
  });

  const connect = (sb = probePod, ...args: string[]) =>
    runContainer(lab.runtime, {
      sandbox: sb,
      image: IMAGE,
      argv: ['podpath-connect', ...args],
      securityContext: restricted,
    });

  it('counts five good connects to httpd with their times', async () => {
    const run = await connect(probePod, '5', '2', '--', '10.244.1.3', '80');
    expect(run.exit.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^attempt 1 ok \d+\.\d{2}ms$/m);
    const parsed = parseConnectOutput(run.stdout, '10.244.1.3', 80);
    expect(parsed).toMatchObject({ attempts: 5, succeeded: 5, complete: true, planned: 5 });
    expect(parsed?.results.every((r) => r.ok && typeof r.ms === 'number')).toBe(true);
  });

  it('reports S6 refusals with the kernel cause and exits 1', async () => {
    const run = await connect(probePod, '3', '2', '--', '10.96.77.7', '8080');
    expect(run.exit.exitCode).toBe(1);
    expect(run.stdout).toBe(
      'attempt 1 fail Connection refused\nattempt 2 fail Connection refused\nattempt 3 fail Connection refused\nconnected 0/3\n',
    );
  });

  it('never evaluates its arguments and refuses malformed ones', async () => {
    const literal = await connect(probePod, '1', '1', '--', '$(id)', '80');
    expect(literal.exit.exitCode).toBe(1);
    expect(literal.stdout).toMatch(/^attempt 1 fail .*(not known|resolution)/m);
    expect(literal.log).not.toContain('uid=');
    const option = await connect(probePod, '1', '1', '--', '-e/bin/sh', '80');
    expect(option.exit.exitCode).toBe(2);
    expect(option.stderr).toContain('usage: podpath-connect');
    const count = await connect(probePod, '1;id', '1', '--', '10.244.1.3', '80');
    expect(count.exit.exitCode).toBe(2);
  });

  it('S2: from fxrql to its own ClusterIP, some of 20 connects fail (hairpin)', async () => {
    // Each connect picks one of two endpoints at random; all 20 alike has odds 2 in 2^20.
    const fxrql = sandbox('default', 'k8s-go-demo-deploy-66cdbcd8d9-fxrql', 'node-1');
    const run = await connect(fxrql, '20', '1', '--', '10.96.212.203', '80');
    const parsed = parseConnectOutput(run.stdout, '10.96.212.203', 80);
    expect(parsed?.attempts).toBe(20);
    expect(parsed?.succeeded).toBeGreaterThan(0);
    expect(parsed?.succeeded).toBeLessThan(20);
    expect(run.exit.exitCode).toBe(1);
    expect(parsed?.results.find((r) => !r.ok)?.error).toBe('timed out');
  }, 60_000);
});
