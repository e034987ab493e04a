import { connectKubeLab } from '@mirrorlab/kube/testing';
import { installProjectCrds } from './install-crds';

/** Jest global setup of every *.k8s.test.ts project: the lab must be up; the CRDs are installed once per run. */
export default async function setup(): Promise<void> {
  await installProjectCrds(connectKubeLab());
}
