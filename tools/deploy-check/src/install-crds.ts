import type { KubeLab } from '@mirrorlab/kube/testing';
import { projectCrds } from './crds';

/**
 * Installs the CRDs deploy/ needs (Strimzi, Chaos Mesh, Prometheus Operator, made by
 * deploy-check from the project's own schemas) with a server-side apply, and waits until the
 * API server serves them. Idempotent. Returns their names.
 */
export async function installProjectCrds(lab: KubeLab): Promise<string[]> {
  const crds = projectCrds();
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: crds });
  const applied = await lab.kubectl(['apply', '--server-side', '--field-manager=mirrorlab-tests', '--force-conflicts', '-f', '-'], list);
  if (applied.code !== 0) throw new Error(`installing the CRDs failed: ${applied.stderr.trim()}`);
  const names = crds.map((c) => (c.metadata as { name: string }).name);
  const established = await lab.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names.map((n) => `crd/${n}`)]);
  if (established.code !== 0) throw new Error(`the CRDs were not established: ${established.stderr.trim()}`);
  return names;
}
