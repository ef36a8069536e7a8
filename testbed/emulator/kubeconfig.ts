/**
 * The kubeconfig that points a client at the emulator: one cluster, one user with the bearer
 * token, one context, all named after the scenario unless told otherwise.
 */

export interface KubeconfigInput {
  server: string;
  /** PEM of the CA that signed the server's certificate. */
  caPem: string;
  token: string;
  contextName: string;
  userName: string;
  namespace?: string;
}

/** YAML text of the kubeconfig; every string is quoted so no value can break the document. */
export function renderKubeconfig(k: KubeconfigInput): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(k.contextName)}`,
    '  cluster:',
    `    server: ${q(k.server)}`,
    `    certificate-authority-data: ${q(Buffer.from(k.caPem).toString('base64'))}`,
    'users:',
    `- name: ${q(k.userName)}`,
    '  user:',
    `    token: ${q(k.token)}`,
    'contexts:',
    `- name: ${q(k.contextName)}`,
    '  context:',
    `    cluster: ${q(k.contextName)}`,
    `    user: ${q(k.userName)}`,
    `    namespace: ${q(k.namespace ?? 'default')}`,
    `current-context: ${q(k.contextName)}`,
    'preferences: {}',
    '',
  ].join('\n');
}
