import { describe, expect, it } from 'vitest';
import {
  connectArgv,
  dnsArgv,
  imageFlavor,
  probeCommand,
  tracerouteArgv,
  PODPATH_PROBE_IMAGE,
} from './commands';
import { DEFAULT_PROBE_OPTIONS } from './types';
import { ProbeInputError } from './validation';

const options = { ...DEFAULT_PROBE_OPTIONS };

describe('imageFlavor', () => {
  it('knows busybox under any registry, tag or digest; everything else is the probe image', () => {
    expect(imageFlavor('busybox')).toBe('busybox');
    expect(imageFlavor('busybox:1.36')).toBe('busybox');
    expect(imageFlavor('docker.io/library/busybox@sha256:abc')).toBe('busybox');
    expect(imageFlavor('registry.example.com:5000/mirror/busybox:1.36')).toBe('busybox');
    expect(imageFlavor(PODPATH_PROBE_IMAGE)).toBe('probe');
    expect(imageFlavor('registry.example.com/podpath/probe:0.1.0')).toBe('probe');
    expect(imageFlavor('example.com/busybox-tools')).toBe('probe');
  });
});

describe('argv builders', () => {
  it('traceroute with bounded waits and the target after --', () => {
    expect(tracerouteArgv('probe', '10.244.1.3', options)).toEqual([
      'traceroute',
      '-n',
      '-w',
      '2',
      '-q',
      '1',
      '-m',
      '20',
      '--',
      '10.244.1.3',
    ]);
    expect(tracerouteArgv('busybox', '10.244.1.3', options)).toEqual([
      'traceroute',
      '-n',
      '-w',
      '2',
      '-q',
      '1',
      '-m',
      '20',
      '--',
      '10.244.1.3',
    ]);
    expect(tracerouteArgv('busybox', 'fd00::1', options).slice(0, 2)).toEqual(['traceroute', '-6']);
    expect(tracerouteArgv('probe', '10.244.1.3', { ...options, tracepath: true })).toEqual([
      'tracepath',
      '-n',
      '-m',
      '20',
      '--',
      '10.244.1.3',
    ]);
  });

  it('connects: podpath-connect COUNT WAIT -- HOST PORT, or one busybox nc -z', () => {
    expect(connectArgv('probe', '10.96.212.203', 80, options)).toEqual([
      'podpath-connect',
      '20',
      '2',
      '--',
      '10.96.212.203',
      '80',
    ]);
    expect(connectArgv('busybox', '10.96.212.203', '80', options)).toEqual([
      'nc',
      '-v',
      '-z',
      '-w',
      '2',
      '--',
      '10.96.212.203',
      '80',
    ]);
  });

  it('nslookup gets the bare name (it does not take --)', () => {
    expect(dnsArgv('probe', 'k8s-go-demo-svc-headless')).toEqual([
      'nslookup',
      'k8s-go-demo-svc-headless',
    ]);
  });

  it.each(['-x', '$(id)', '10.0.0.1;reboot', 'a b', '--', '10.0.0.1\nid'])(
    'refuses target %j in every builder',
    (bad) => {
      expect(() => tracerouteArgv('probe', bad, options)).toThrow(ProbeInputError);
      expect(() => connectArgv('probe', bad, 80, options)).toThrow(ProbeInputError);
      expect(() => dnsArgv('busybox', bad)).toThrow(ProbeInputError);
    },
  );

  it('refuses bad ports and options', () => {
    expect(() => connectArgv('probe', '10.0.0.1', '-1', options)).toThrow(ProbeInputError);
    expect(() => connectArgv('probe', '10.0.0.1', '80 -e sh', options)).toThrow(ProbeInputError);
    expect(() => tracerouteArgv('probe', '10.0.0.1', { ...options, maxHops: 0 })).toThrow(
      /max hops/,
    );
    expect(() => connectArgv('probe', '10.0.0.1', 80, { ...options, count: 1000 })).toThrow(
      /connect count/,
    );
  });
});

describe('probeCommand', () => {
  it('dispatches on kind and notes a single busybox connect', () => {
    expect(
      probeCommand('traceroute', PODPATH_PROBE_IMAGE, { ip: '192.168.2.10' }, options).argv,
    ).toContain('192.168.2.10');
    const busy = probeCommand('connect', 'busybox', { ip: '10.96.77.7', port: 8080 }, options);
    expect(busy.argv[0]).toBe('nc');
    expect(busy.notes[0]).toMatch(/1 attempt instead of 20/);
    const one = probeCommand(
      'connect',
      'busybox',
      { ip: '10.96.77.7', port: 8080 },
      {
        ...options,
        count: 1,
      },
    );
    expect(one.notes).toEqual([]);
    expect(
      probeCommand('dns', PODPATH_PROBE_IMAGE, { name: 'legacy-api', ip: '10.96.77.7' }, options)
        .argv,
    ).toEqual(['nslookup', 'legacy-api']);
  });

  it('needs a host, and a port for connects', () => {
    expect(() => probeCommand('traceroute', 'busybox', {}, options)).toThrow(/neither/);
    expect(() => probeCommand('connect', 'busybox', { ip: '10.0.0.1' }, options)).toThrow(
      /needs a port/,
    );
  });
});
