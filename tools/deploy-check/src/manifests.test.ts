import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describeObject, type K8sObject } from './k8s-object';
import { findKustomizations, loadManifestDir } from './kustomize';
import { DEPLOY_DIR, GRAFANA_DIR, REPO_ROOT } from './paths';
import { checkUniqueNames } from './pod-checks';
import { formatProblems } from './problem';
import { FIXTURES_DIR, OVERLAYS, renderableKustomizations, rendered } from './renders';
import { ManifestValidator } from './schema-validation';

let validator: ManifestValidator;
beforeAll(() => {
  validator = ManifestValidator.load();
});

const validate = (objects: readonly K8sObject[]) =>
  formatProblems([...objects.flatMap((o) => validator.validate(o)), ...checkUniqueNames(objects)]);

describe('every kustomization', () => {
  it('includes the base, both overlays and both systems under test', () => {
    expect(renderableKustomizations()).toEqual(
      expect.arrayContaining(['deploy/base', ...OVERLAYS, 'deploy/sut/strimzi', 'deploy/sut/plain', 'deploy/rbac/fault-runner-sut']),
    );
  });

  it.each(renderableKustomizations())('%s renders, and every object validates against its schema', (path) => {
    const objects = rendered(path);
    expect(objects.length).toBeGreaterThan(0);
    expect(validate(objects)).toBe('');
  });

  it('renders every component inside some fixture', () => {
    const components = findKustomizations(DEPLOY_DIR).filter((k) => k.component);
    const fixtures = findKustomizations(FIXTURES_DIR).map((f) => readFileSync(join(REPO_ROOT, f.path, 'kustomization.yaml'), 'utf8'));
    for (const c of components) expect(fixtures.some((f) => f.includes(c.path))).toBe(true);
  });
});

describe('the overlays', () => {
  it.each(OVERLAYS)('%s puts every namespaced object in a namespace', (path) => {
    const loose = rendered(path).filter((o) => o.kind !== 'Namespace' && !o.metadata.namespace);
    expect(loose.map(describeObject)).toEqual([]);
  });

  it('run mirrorlab in namespace mirrorlab and the system under test in kafka', () => {
    for (const path of OVERLAYS) {
      for (const o of rendered(path)) {
        if (o.kind === 'Namespace') continue;
        const sut =
          o.metadata.labels?.['app.kubernetes.io/part-of'] === 'mirrorlab-sut' || o.metadata.name.startsWith('mirrorlab-fault-runner');
        expect(`${describeObject(o)} in ${o.metadata.namespace}`).toBe(`${describeObject(o)} in ${sut ? 'kafka' : 'mirrorlab'}`);
      }
    }
  });

  it('use the current Strimzi API (kafka.strimzi.io/v1) and nothing older', () => {
    const strimzi = OVERLAYS.flatMap(rendered).filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/'));
    expect(strimzi.length).toBeGreaterThan(0);
    expect(new Set(strimzi.map((o) => o.apiVersion))).toEqual(new Set(['kafka.strimzi.io/v1']));
  });
});

describe('manifests outside kustomizations', () => {
  it('the Chaos Mesh examples validate against the Chaos Mesh schema', () => {
    const files = loadManifestDir(join(DEPLOY_DIR, 'examples/chaos'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(validate(f.objects)).toBe('');
    expect(new Set(files.flatMap((f) => f.objects.map((o) => o.kind)))).toEqual(new Set(['PodChaos', 'NetworkChaos']));
  });

  it('the alert rules validate as the spec of a PrometheusRule', () => {
    const spec: unknown = parse(readFileSync(join(GRAFANA_DIR, 'alerts/mirrorlab-rules.yaml'), 'utf8'));
    const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'mirrorlab' }, spec } as K8sObject;
    expect(validate([rule])).toBe('');
  });
});
