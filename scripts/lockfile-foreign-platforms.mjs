#!/usr/bin/env node
/**
 * Keeps `npm ci` working where the registry mirror serves only this machine's platform.
 *
 * Native packages (next's swc, tailwind's oxide, the eslint resolver) list one optional
 * dependency per platform. A mirror that 404s the foreign ones leaves them out of
 * package-lock.json, and `npm ci` then refuses the lock as "Missing: ... from lock file".
 * This script adds those entries back with the platform constraints their names spell out, so
 * `npm ci` accepts the lock and skips them here (wrong os/cpu), while a full registry elsewhere
 * still installs the right one. Run it after `npm install` changes the lock:
 *
 *   node scripts/lockfile-foreign-platforms.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockPath = path.join(root, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const OS = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'sunos', 'aix'];
const CPU = {
  arm64: 'arm64',
  x64: 'x64',
  ia32: 'ia32',
  arm: 'arm',
  loong64: 'loong64',
  ppc64: 'ppc64',
  riscv64: 'riscv64',
  s390x: 's390x',
  wasm32: 'wasm32',
};

/** `@scope/pkg-darwin-arm64` → {os: ['darwin'], cpu: ['arm64']}; null when it names no platform. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  if (!os && !cpu) return null;
  const constraint = {};
  if (os) constraint.os = [os];
  if (cpu) constraint.cpu = [cpu];
  const libc = parts.find((p) => /^(gnu|musl)/.test(p));
  if (os === 'linux' && libc) constraint.libc = [libc.startsWith('musl') ? 'musl' : 'glibc'];
  return constraint;
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  if (!location || !entry.optionalDependencies) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies)) {
    const hoisted = `node_modules/${name}`;
    const nested = `${location}/node_modules/${name}`;
    if (packages[hoisted] || packages[nested]) continue;
    const platform = platformOf(name);
    if (!platform) continue;
    packages[hoisted] = {
      version,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added += 1;
  }
}

// npm writes the packages map sorted by location.
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`package-lock.json: ${added} foreign-platform entries added\n`);
