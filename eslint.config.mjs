import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

// Only lib/cluster may talk to the Kubernetes client, and nothing under lib/ or app/ may reach
// into the test cluster (testbed/): the product talks to the emulator exactly as to a real cluster.
const kubeClientDoor = {
  paths: [
    {
      name: '@kubernetes/client-node',
      message: 'Only lib/cluster/ talks to the Kubernetes API; use its podpath types instead.',
    },
  ],
  patterns: [
    {
      group: ['**/testbed/**', '@/testbed/**'],
      message: 'The product never imports the emulator or the lab.',
    },
  ],
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      'node_modules/**',
      '.next/**',
      'data/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
    ],
  },
  {
    files: ['app/**', 'components/**', 'lib/**'],
    rules: { 'no-restricted-imports': ['error', kubeClientDoor] },
  },
  {
    files: ['lib/cluster/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: kubeClientDoor.patterns }],
    },
  },
  {
    // Tests drive the real emulator and lab; the door rule is about product code.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test-support/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
];

export default config;
