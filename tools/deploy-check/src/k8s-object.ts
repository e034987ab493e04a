/** A Kubernetes object as rendered: only the parts every object has are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** `apps/v1 Deployment mirrorlab/producer`: how problems name an object. */
export function describeObject(o: K8sObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.apiVersion} ${o.kind} ${ns}${o.metadata?.name ?? '(no name)'}`;
}

/** `apps/v1/Deployment`, `v1/Service`: the key schemas are registered under. */
export const kindKey = (o: Pick<K8sObject, 'apiVersion' | 'kind'>): string => `${o.apiVersion}/${o.kind}`;

export function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string' && typeof v.metadata === 'object' && v.metadata !== null;
}

/** Reads `a.b[0].c`-style paths without a cascade of casts; undefined when any step is missing. */
export function dig(value: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}
