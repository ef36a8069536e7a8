import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROBE_SCRIPTS, imageKind, planCommand } from './probe-command';

describe('imageKind', () => {
  it('recognises busybox and podpath probe image references, nothing else', () => {
    expect(imageKind('busybox')).toBe('busybox');
    expect(imageKind('docker.io/library/busybox:1.36@sha256:abc')).toBe('busybox');
    expect(imageKind('ghcr.io/podpath/probe:0.3.1')).toBe('probe');
    expect(imageKind('ghcr.io/podpath/probe')).toBe('probe');
    expect(imageKind('nginx')).toBeNull();
    expect(imageKind('evil.io/busybox')).toBeNull();
  });
});

describe('planCommand', () => {
  const base = { name: 'probe', securityContext: undefined };

  it('runs busybox applets as root with the default capability set, argv untouched', () => {
    const plan = planCommand({
      ...base,
      image: 'busybox',
      argv: ['traceroute', '10.244.1.3; rm -rf /'],
    });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.argv.slice(-3)).toEqual(['busybox', 'traceroute', '10.244.1.3; rm -rf /']);
    expect(plan.argv).toContain('--reuid=0');
    expect(plan.capabilities).toContain('net_raw');
    expect(plan.capabilities).not.toContain('net_admin');
  });

  it('accepts `busybox APPLET` and /bin paths', () => {
    const a = planCommand({ ...base, image: 'busybox', argv: ['busybox', 'ping', '-c', '1', 'x'] });
    const b = planCommand({ ...base, image: 'busybox', argv: ['/bin/ping', '-c', '1', 'x'] });
    expect(a.ok && a.argv.slice(-5)).toEqual(['busybox', 'ping', '-c', '1', 'x']);
    expect(b.ok && b.argv.slice(-5)).toEqual(['busybox', 'ping', '-c', '1', 'x']);
  });

  it('runs the probe image tools as nobody, through the bin dir when given', () => {
    const plan = planCommand(
      { ...base, image: 'ghcr.io/podpath/probe', argv: ['tracepath', '-n', '10.0.0.1'] },
      '/tmp/x/bin',
    );
    expect(plan.ok && plan.uid).toBe(65534);
    expect(plan.ok && plan.argv.slice(-3)).toEqual(['/tmp/x/bin/tracepath', '-n', '10.0.0.1']);
    const direct = planCommand({
      ...base,
      image: 'ghcr.io/podpath/probe',
      argv: ['traceroute', '1.2.3.4'],
    });
    expect(direct.ok && direct.argv.slice(-2)).toEqual(['/usr/bin/traceroute.db', '1.2.3.4']);
  });

  it('runs the probe image script podpath-connect from probe-image/ with /bin/sh as nobody', () => {
    const argv = ['podpath-connect', '20', '2', '--', '10.96.212.203', '80'];
    const script = PROBE_SCRIPTS['podpath-connect']!;
    expect(script).toMatch(/\/probe-image\/podpath-connect$/);
    expect(readFileSync(script, 'utf8')).toMatch(/^#!\/bin\/sh\n/);
    const plan = planCommand(
      {
        ...base,
        image: 'ghcr.io/podpath/probe:0.1.0',
        argv,
        securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
      },
      '/tmp/x/bin',
    );
    expect(plan.ok && plan.uid).toBe(65534);
    expect(plan.ok && plan.capabilities).toEqual([]);
    expect(plan.ok && plan.argv.slice(plan.argv.indexOf('--') + 1)).toEqual([
      '/usr/bin/env',
      'PATH=/tmp/x/bin:/usr/bin:/bin',
      '/bin/sh',
      '/tmp/x/bin/podpath-connect',
      ...argv.slice(1),
    ]);
    expect(planCommand({ ...base, image: 'busybox', argv })).toMatchObject({
      ok: false,
      reason: 'ContainerCannotRun',
    });
  });

  it('applies capability drops and adds', () => {
    const plan = planCommand({
      ...base,
      image: 'busybox',
      argv: ['ip', 'route'],
      securityContext: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } },
    });
    expect(plan.ok && plan.capabilities).toEqual(['net_admin']);
    expect(plan.ok && plan.argv).toContain('--bounding-set=-all,+net_admin');
  });

  it('refuses other commands, other images, and root with runAsNonRoot', () => {
    const sh = planCommand({ ...base, image: 'busybox', argv: ['sh', '-c', 'id'] });
    expect(sh).toMatchObject({ ok: false, reason: 'ContainerCannotRun' });
    const tracepath = planCommand({ ...base, image: 'busybox', argv: ['tracepath', 'x'] });
    expect(tracepath.ok).toBe(false);
    const nginx = planCommand({ ...base, image: 'nginx', argv: [] });
    expect(nginx).toMatchObject({
      ok: false,
      message: expect.stringContaining('"nginx" is not available'),
    });
    const nonRoot = planCommand({
      ...base,
      image: 'busybox',
      argv: ['ping', 'x'],
      securityContext: { runAsNonRoot: true },
    });
    expect(nonRoot).toMatchObject({ ok: false, reason: 'CreateContainerConfigError' });
  });
});
