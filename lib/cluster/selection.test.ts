import { describe, expect, it } from 'vitest';
import {
  kubeConfigFor,
  listContexts,
  resolveClusterChoice,
  SERVICE_ACCOUNT_TOKEN,
} from './selection';
import type { ClusterChoiceInput } from './selection';

const kubeconfig = (
  current: string | null,
  contexts: string[],
  server = 'https://127.0.0.1:6443',
) =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters:`,
    ...contexts.flatMap((c) => [`- name: ${c}-cluster`, `  cluster:`, `    server: ${server}`]),
    `users:`,
    ...contexts.flatMap((c) => [`- name: ${c}-user`, `  user:`, `    token: t-${c}`]),
    `contexts:`,
    ...contexts.flatMap((c) => [
      `- name: ${c}`,
      `  context:`,
      `    cluster: ${c}-cluster`,
      `    user: ${c}-user`,
    ]),
    ...(current ? [`current-context: ${current}`] : []),
  ].join('\n');

function input(
  files: Record<string, string>,
  env: Record<string, string> = {},
  argv: string[] = [],
): ClusterChoiceInput {
  return {
    env: { HOME: '/home/u', ...env },
    argv,
    fileExists: (f) => f in files,
    readFile: (f) => {
      const text = files[f];
      if (text === undefined) throw new Error(`ENOENT ${f}`);
      return text;
    },
  };
}

const HOME_CONFIG = '/home/u/.kube/config';

describe('resolveClusterChoice', () => {
  it('uses the current context of ~/.kube/config', () => {
    const choice = resolveClusterChoice(
      input({ [HOME_CONFIG]: kubeconfig('prod', ['prod', 'staging']) }),
    );
    expect(choice).toEqual({
      kind: 'kubeconfig',
      files: [HOME_CONFIG],
      context: 'prod',
      contexts: ['prod', 'staging'],
      source: 'current-context',
      demo: false,
    });
  });

  it('prefers --context over PODPATH_CONTEXT over the current context', () => {
    const files = { [HOME_CONFIG]: kubeconfig('prod', ['prod', 'staging', 'dev']) };
    expect(resolveClusterChoice(input(files, { PODPATH_CONTEXT: 'dev' }))).toMatchObject({
      context: 'dev',
      source: 'env',
    });
    expect(
      resolveClusterChoice(input(files, { PODPATH_CONTEXT: 'dev' }, ['--context', 'staging'])),
    ).toMatchObject({
      context: 'staging',
      source: 'flag',
    });
    expect(resolveClusterChoice(input(files, {}, ['trace', '--context=dev']))).toMatchObject({
      context: 'dev',
      source: 'flag',
    });
  });

  it('refuses a requested context the kubeconfig does not have', () => {
    const files = { [HOME_CONFIG]: kubeconfig('prod', ['prod']) };
    expect(() => resolveClusterChoice(input(files, {}, ['--context', 'nope']))).toThrow(
      expect.objectContaining({ code: 'not-found', message: expect.stringContaining('"nope"') }),
    );
    expect(() => resolveClusterChoice(input({}, { PODPATH_CONTEXT: 'nope' }))).toThrow(
      expect.objectContaining({ code: 'not-found' }),
    );
  });

  it('merges KUBECONFIG files kubectl-style: missing files skipped, first current-context and name win', () => {
    const files = {
      '/a.yaml': kubeconfig('alpha', ['alpha', 'shared'], 'https://a:6443'),
      '/b.yaml': kubeconfig('beta', ['beta', 'shared'], 'https://b:6443'),
    };
    const choice = resolveClusterChoice(
      input(files, { KUBECONFIG: '/missing.yaml:/a.yaml:/b.yaml' }),
    );
    expect(choice).toMatchObject({
      kind: 'kubeconfig',
      files: ['/a.yaml', '/b.yaml'],
      context: 'alpha',
      contexts: ['alpha', 'shared', 'beta'],
    });
  });

  it('does not fall back to ~/.kube/config when KUBECONFIG is set', () => {
    const files = { [HOME_CONFIG]: kubeconfig('home', ['home']) };
    const choice = resolveClusterChoice(input(files, { KUBECONFIG: '/nowhere' }));
    expect(choice.kind).toBe('demo');
  });

  it('uses the in-cluster service account when there is no kubeconfig context', () => {
    const files = { [SERVICE_ACCOUNT_TOKEN]: 'token' };
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(resolveClusterChoice(input(files, env))).toEqual({
      kind: 'in-cluster',
      context: 'in-cluster',
      contexts: ['in-cluster'],
      demo: false,
    });
    // A kubeconfig without current-context does not stand in the way.
    expect(
      resolveClusterChoice(input({ ...files, [HOME_CONFIG]: kubeconfig(null, ['x']) }, env)).kind,
    ).toBe('in-cluster');
    // Without the token the environment variables alone are not a service account.
    expect(resolveClusterChoice(input({}, env)).kind).toBe('demo');
  });

  it('asks for the demo when there is nothing at all', () => {
    const choice = resolveClusterChoice(input({}));
    expect(choice).toEqual({
      kind: 'demo',
      reason: 'no kubeconfig (KUBECONFIG or ~/.kube/config) and no in-cluster service account',
    });
  });

  it('with PODPATH_DEMO=1 uses only KUBECONFIG (the demo kubeconfig) and marks it demo', () => {
    const home = { [HOME_CONFIG]: kubeconfig('prod', ['prod']) };
    expect(resolveClusterChoice(input(home, { PODPATH_DEMO: '1' }))).toMatchObject({
      kind: 'demo',
    });
    const withDemo = { ...home, '/work/data/demo.kubeconfig': kubeconfig('demo', ['demo']) };
    expect(
      resolveClusterChoice(
        input(withDemo, { PODPATH_DEMO: '1', KUBECONFIG: '/work/data/demo.kubeconfig' }),
      ),
    ).toMatchObject({ kind: 'kubeconfig', context: 'demo', demo: true });
  });

  it('reports an unparsable kubeconfig as invalid', () => {
    expect(() => resolveClusterChoice(input({ [HOME_CONFIG]: 'clusters: [' }))).toThrow(
      expect.objectContaining({ code: 'invalid' }),
    );
  });
});

describe('listContexts', () => {
  it('lists the kubeconfig contexts regardless of the requested one', () => {
    const files = { [HOME_CONFIG]: kubeconfig(null, ['one', 'two']) };
    expect(listContexts(input(files, { PODPATH_CONTEXT: 'missing' }))).toEqual(['one', 'two']);
    expect(listContexts(input({}))).toEqual([]);
  });
});

describe('kubeConfigFor', () => {
  it('sets the chosen context and lets plain-http servers through as kubectl does', () => {
    const files = {
      '/a.yaml': kubeconfig('alpha', ['alpha'], 'http://127.0.0.1:8001'),
      '/b.yaml': kubeconfig('beta', ['beta'], 'https://b:6443'),
    };
    const i = input(files, { KUBECONFIG: '/a.yaml:/b.yaml' }, ['--context', 'beta']);
    const choice = resolveClusterChoice(i);
    if (choice.kind !== 'kubeconfig') throw new Error('expected kubeconfig');
    const kc = kubeConfigFor(choice, i.readFile);
    expect(kc.getCurrentContext()).toBe('beta');
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://b:6443',
      skipTLSVerify: false,
    });
    kc.setCurrentContext('alpha');
    // No TLS on http, so nothing to verify; client-node would refuse the server otherwise.
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'http://127.0.0.1:8001',
      skipTLSVerify: true,
    });
  });
});
