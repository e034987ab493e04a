import { resolve } from 'node:path';
import type { K8sObject } from './k8s-object';
import { findKustomizations, kustomizeBinary, renderKustomization } from './kustomize';
import { DEPLOY_DIR, REPO_ROOT } from './paths';

/** Kustomizations that exist only to render a component of deploy/ (tools/deploy-check/fixtures). */
export const FIXTURES_DIR = resolve(__dirname, '../fixtures');

/** Every renderable kustomization: deploy/ (components aside) and the fixtures. */
export function renderableKustomizations(): string[] {
  return [...findKustomizations(DEPLOY_DIR), ...findKustomizations(FIXTURES_DIR)].filter((k) => !k.component).map((k) => k.path);
}

const cache = new Map<string, K8sObject[]>();
let binary: string | undefined;

/** `kustomize build <repo>/<path>`, once per test file. */
export function rendered(path: string): K8sObject[] {
  let objects = cache.get(path);
  if (!objects) {
    binary ??= kustomizeBinary();
    objects = renderKustomization(resolve(REPO_ROOT, path), binary);
    cache.set(path, objects);
  }
  return objects;
}

/** The overlays a user applies: each renders a complete, namespaced deployment. */
export const OVERLAYS = [
  'deploy/overlays/single-cluster',
  'deploy/overlays/single-cluster-plain',
  'deploy/overlays/two-regions/source-region',
  'deploy/overlays/two-regions/target-region',
];
