import { describe, expect, it } from 'vitest';
import {
  containerArgv,
  expandVars,
  imageID,
  normalizedImageName,
  parseImage,
  runsUntilStopped,
} from './images';

describe('image references', () => {
  it('normalizes names as containerd reports them', () => {
    expect(normalizedImageName('busybox')).toBe('docker.io/library/busybox:latest');
    expect(normalizedImageName('k8s-go-demo:latest')).toBe('docker.io/library/k8s-go-demo:latest');
    expect(normalizedImageName('docker.io/flannel/flannel:v0.25.1')).toBe(
      'docker.io/flannel/flannel:v0.25.1',
    );
    expect(normalizedImageName('localhost:5000/probe:1')).toBe('localhost:5000/probe:1');
    expect(parseImage('registry.k8s.io/ingress-nginx/controller:v1.10.1')).toEqual({
      domain: 'registry.k8s.io',
      path: 'ingress-nginx/controller',
      tag: 'v1.10.1',
    });
    expect(parseImage('ghcr.io/podpath/probe@sha256:abc')).toEqual({
      domain: 'ghcr.io',
      path: 'podpath/probe',
      digest: 'sha256:abc',
    });
  });

  it('reports a stable repo digest as imageID', () => {
    expect(imageID('busybox')).toMatch(/^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
    expect(imageID('busybox')).toBe(imageID('docker.io/library/busybox:latest'));
    expect(imageID('nginx')).not.toBe(imageID('busybox'));
  });
});

describe('argv as the kubelet builds it', () => {
  it('runs the image CMD when neither command nor args are given', () => {
    expect(containerArgv({ name: 'c', image: 'busybox' })).toEqual(['sh']);
    expect(containerArgv({ name: 'c', image: 'nginx:1.27' })).toEqual([
      '/docker-entrypoint.sh',
      'nginx',
      '-g',
      'daemon off;',
    ]);
    expect(containerArgv({ name: 'c', image: 'ghcr.io/podpath/probe:any-tag' })).toEqual(['sh']);
  });

  it('replaces ENTRYPOINT and CMD with command, CMD only with args', () => {
    expect(containerArgv({ name: 'c', image: 'nginx', command: ['sleep'], args: ['10'] })).toEqual([
      'sleep',
      '10',
    ]);
    expect(containerArgv({ name: 'c', image: 'nginx', command: ['sleep', '10'] })).toEqual([
      'sleep',
      '10',
    ]);
    expect(containerArgv({ name: 'c', image: 'nginx', args: ['-v'] })).toEqual([
      '/docker-entrypoint.sh',
      '-v',
    ]);
    // busybox and the probe image have no entrypoint: args alone are the whole argv.
    expect(
      containerArgv({ name: 'c', image: 'busybox', args: ['traceroute', '-n', '10.244.1.3'] }),
    ).toEqual(['traceroute', '-n', '10.244.1.3']);
  });

  it('expands $(VAR) from the container env, leaves unknown ones and unescapes $$', () => {
    const argv = containerArgv({
      name: 'c',
      image: 'ghcr.io/podpath/probe:v1',
      env: [
        { name: 'TARGET', value: '10.244.1.3' },
        { name: 'HOPS', value: '30' },
        { name: 'ARGS', value: '-m $(HOPS)' },
        { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      ],
      command: ['traceroute'],
      args: ['$(ARGS)', '$(TARGET)', '$(MISSING)', '$$(TARGET)', 'cost: $$5', '$(FROM_SECRET)'],
    });
    expect(argv).toEqual([
      'traceroute',
      '-m 30',
      '10.244.1.3',
      '$(MISSING)',
      '$(TARGET)',
      'cost: $5',
      '$(FROM_SECRET)',
    ]);
    expect(expandVars('$(A', new Map([['A', 'x']]))).toBe('$(A');
    expect(expandVars('a$b', new Map())).toBe('a$b');
  });

  it('knows which images are servers that run until stopped', () => {
    expect(runsUntilStopped({ name: 'c', image: 'httpd' })).toBe(true);
    expect(runsUntilStopped({ name: 'c', image: 'docker.io/flannel/flannel:v0.25.1' })).toBe(true);
    expect(
      runsUntilStopped({ name: 'c', image: 'registry.k8s.io/ingress-nginx/controller:v1.10.1' }),
    ).toBe(true);
    expect(runsUntilStopped({ name: 'c', image: 'k8s-go-demo:latest' })).toBe(true);
    // A server image told to do something else is that something else.
    expect(runsUntilStopped({ name: 'c', image: 'nginx', command: ['curl', 'x'] })).toBe(false);
    expect(runsUntilStopped({ name: 'c', image: 'busybox' })).toBe(false);
    expect(runsUntilStopped({ name: 'c', image: 'ghcr.io/podpath/probe:v1' })).toBe(false);
  });
});
