import { connectKubeLab } from '@mirrorlab/kube/testing';
import { installProjectCrds } from './install-crds';

/**
 * Jest global setup of every *.k8s.test.ts project (jest.preset.js k8sJestConfig): the kube-lab
 * must be up (tools/kube-lab/test-k8s.sh); the CRDs deploy/ needs are installed, idempotently.
 * It imports crds.ts alone, never this package's index: that loads the ESM-only
 * kubernetes-models validators, which only deploy-check's own jest config can transform.
 */
export default async function setup(): Promise<void> {
  await installProjectCrds(connectKubeLab());
}
