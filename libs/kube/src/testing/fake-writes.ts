// The Status errors the fake API server answers with, as the real one words them. See fake-apiserver.ts.
import type { KubeStatus } from '../kube-errors';
import type { ResourceType } from '../resource-types';
import type { FakeResourceType } from './fake-store';

export interface Route {
  type: FakeResourceType;
  namespace: string;
  name?: string;
  subresource?: string;
}

export class HttpFailure extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
}

export function statusOf(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const fail = (code: number, reason: string, message: string, details?: KubeStatus['details']) =>
  new HttpFailure(statusOf(code, reason, message, details));

export const qualified = (type: ResourceType) => (type.group === '' ? type.resource : `${type.resource}.${type.group}`);
