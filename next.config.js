/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The Kubernetes client, the SQLite addon and the PostgreSQL driver run only on the server;
  // keep them out of the bundler so their native and dynamic requires behave as in plain Node.
  serverExternalPackages: ['@kubernetes/client-node', 'better-sqlite3', 'pg'],
  poweredByHeader: false,
};

export default nextConfig;
