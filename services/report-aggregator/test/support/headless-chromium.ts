import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** Debian's Chromium (tools/setup.sh installs it), or `CHROMIUM`. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots kept for people to look at (git-ignored). */
export const SHOTS = path.resolve(__dirname, '../../../../reports/screenshots');

const run = promisify(execFile);

export function requireChromium(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM`);
}

/** Runs headless Chromium with `args` in a throwaway profile, quiet (no network of its own, no first-run work). */
export function chromium(args: string[]): Promise<{ stdout: string }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-profile-'));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
  ];
  return run(CHROMIUM, [...flags, ...args], { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }).finally(() =>
    rmSync(profile, { recursive: true, force: true }),
  );
}
