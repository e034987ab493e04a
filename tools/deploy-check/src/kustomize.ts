import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { isK8sObject, type K8sObject } from './k8s-object';
import { REPO_ROOT } from './paths';

/**
 * Pinned because kustomize's output is the test's input: `kubectl apply -k` embeds a
 * kustomize 5.x, and a newer or older one may render differently. Keep in step with
 * install-tools.sh, which installs exactly this version into .cache/bin.
 */
export const KUSTOMIZE_VERSION = 'v5.8.1';
export const DEFAULT_KUSTOMIZE_PATH = resolve(REPO_ROOT, '.cache/bin/kustomize');

/** kustomize is not installed (or not the pinned version): run the install script. */
export class KustomizeMissingError extends Error {
  readonly code = 'KUSTOMIZE_MISSING';
  constructor(detail: string) {
    super(`${detail}; install it with: bash tools/deploy-check/install-tools.sh (needs Go; tools/setup.sh runs it)`);
    this.name = 'KustomizeMissingError';
  }
}

/** `kustomize build` failed: the message carries kustomize's own error. */
export class KustomizeBuildError extends Error {
  readonly code = 'KUSTOMIZE_BUILD_FAILED';
  constructor(dir: string, stderr: string) {
    super(`kustomize build ${dir} failed: ${stderr.trim()}`);
    this.name = 'KustomizeBuildError';
  }
}

/** The pinned kustomize binary: $MIRRORLAB_KUSTOMIZE, else .cache/bin/kustomize. */
export function kustomizeBinary(env: Record<string, string | undefined> = process.env): string {
  const bin = env.MIRRORLAB_KUSTOMIZE || DEFAULT_KUSTOMIZE_PATH;
  if (!existsSync(bin)) throw new KustomizeMissingError(`no kustomize at ${bin}`);
  const version = execFileSync(bin, ['version'], { encoding: 'utf8' }).trim();
  if (version !== KUSTOMIZE_VERSION) throw new KustomizeMissingError(`${bin} is kustomize ${version}, the checks pin ${KUSTOMIZE_VERSION}`);
  return bin;
}

/** Parses a multi-document YAML stream into Kubernetes objects; anything else is an error. */
export function parseManifests(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source}, document ${i + 1}: ${doc.errors[0].message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    if (!isK8sObject(value))
      throw new Error(`${source}, document ${i + 1}: not a Kubernetes object (apiVersion, kind and metadata expected)`);
    return [value];
  });
}

/** Renders one kustomization directory exactly as `kubectl apply -k` would send it. */
export function renderKustomization(dir: string, bin = kustomizeBinary()): K8sObject[] {
  let out: string;
  try {
    out = execFileSync(bin, ['build', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new KustomizeBuildError(relative(REPO_ROOT, dir), stderr);
  }
  return parseManifests(out, `kustomize build ${relative(REPO_ROOT, dir)}`);
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface KustomizationDir {
  /** Relative to the repository root, e.g. deploy/overlays/single-cluster. */
  path: string;
  /** Components only render inside a kustomization that includes them. */
  component: boolean;
}

/** Every kustomization below `root`, sorted, each marked as component or not. */
export function findKustomizations(root: string): KustomizationDir[] {
  const found: KustomizationDir[] = [];
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const file = KUSTOMIZATION_FILES.find((f) => entries.some((e) => e.isFile() && e.name === f));
    if (file) {
      const doc = parse(readFileSync(join(dir, file), 'utf8')) as { kind?: string } | null;
      found.push({ path: relative(REPO_ROOT, dir), component: doc?.kind === 'Component' });
    }
    for (const e of entries) if (e.isDirectory()) visit(join(dir, e.name));
  };
  visit(root);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Every object in the *.yaml files of one directory (not recursive). */
export function loadManifestDir(dir: string): { file: string; objects: K8sObject[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => ({ file: relative(REPO_ROOT, join(dir, f)), objects: parseManifests(readFileSync(join(dir, f), 'utf8'), f) }));
}
