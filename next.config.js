/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The Kubernetes client and the tracing engine run only in route handlers; keep them out of
  // the bundler so their native and dynamic requires behave as in plain Node.
  serverExternalPackages: ['@kubernetes/client-node'],
  poweredByHeader: false,
};

export default nextConfig;
