import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { SCHEMA_DIR } from './paths';
import { FieldCatalog } from './strict-fields';

/**
 * CustomResourceDefinitions for the operator kinds deploy/ uses, made from the project's own
 * definitions of them, so a real API server (tools/kube-lab) validates the manifests against the
 * same shapes the offline checks use:
 * - Strimzi and Chaos Mesh: the hand-written JSON schemas in ../schemas, turned into structural
 *   OpenAPI v3 (`crdSchemaFromJsonSchema`);
 * - ServiceMonitor and PrometheusRule: the kubernetes-models type declarations the field checks
 *   read (`crdSchemaFromType`).
 * With `fieldValidation=Strict` (kubectl `--validate=strict`) the server then refuses any field
 * these schemas do not list, as the offline checks do. Subresources follow upstream: `status`
 * everywhere upstream has it, `scale` on KafkaNodePool and KafkaMirrorMaker2.
 */

export type Schema = Record<string, unknown>;

export interface CrdSpecOf {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  /** Its schema is hand-written in ../schemas (else: the kubernetes-models declaration, see k8s-kinds.ts). */
  handWritten: boolean;
  /** Upstream's subresources. */
  status: boolean;
  scale: boolean;
}

export const CRD_KINDS: readonly CrdSpecOf[] = [
  {
    group: 'kafka.strimzi.io',
    version: 'v1',
    kind: 'Kafka',
    plural: 'kafkas',
    shortNames: ['k'],
    handWritten: true,
    status: true,
    scale: false,
  },
  {
    group: 'kafka.strimzi.io',
    version: 'v1',
    kind: 'KafkaNodePool',
    plural: 'kafkanodepools',
    shortNames: ['knp'],
    handWritten: true,
    status: true,
    scale: true,
  },
  {
    group: 'kafka.strimzi.io',
    version: 'v1',
    kind: 'KafkaMirrorMaker2',
    plural: 'kafkamirrormaker2s',
    shortNames: ['kmm2'],
    handWritten: true,
    status: true,
    scale: true,
  },
  { group: 'chaos-mesh.org', version: 'v1alpha1', kind: 'PodChaos', plural: 'podchaos', handWritten: true, status: true, scale: false },
  {
    group: 'chaos-mesh.org',
    version: 'v1alpha1',
    kind: 'NetworkChaos',
    plural: 'networkchaos',
    handWritten: true,
    status: true,
    scale: false,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    kind: 'ServiceMonitor',
    plural: 'servicemonitors',
    shortNames: ['smon'],
    handWritten: false,
    status: false,
    scale: false,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    kind: 'PrometheusRule',
    plural: 'prometheusrules',
    shortNames: ['promrule'],
    handWritten: false,
    status: false,
    scale: false,
  },
];

const PRESERVE: Schema = { 'x-kubernetes-preserve-unknown-fields': true };
/** Status is written by the operator (here: by tests playing it); its shape is not checked. */
const STATUS: Schema = { type: 'object', ...PRESERVE };

function typeOfValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * A draft-07 schema as a structural OpenAPI v3 schema the API server accepts:
 * `additionalProperties: false` is dropped (an unknown field is then pruned, and refused under
 * strict field validation), `const` becomes a one-value `enum`, every node gets a `type`,
 * `anyOf` string-or-number becomes `x-kubernetes-int-or-string`, a `oneOf` of object shapes
 * becomes one object with every branch's properties (as Strimzi's own CRDs model unions, by a
 * `type` discriminator), and `uniqueItems` (not allowed in CRDs) becomes a set list.
 */
export function crdSchemaFromJsonSchema(node: Schema): Schema {
  const out: Schema = {};
  const anyOf = node.anyOf as Schema[] | undefined;
  if (anyOf && anyOf.every((b) => b.type === 'string' || b.type === 'number' || b.type === 'integer') && anyOf.length === 2) {
    return { 'x-kubernetes-int-or-string': true };
  }
  const oneOf = node.oneOf as Schema[] | undefined;
  if (oneOf && oneOf.every((b) => b.type === 'object')) {
    return crdSchemaFromJsonSchema(mergeObjectBranches(node, oneOf));
  }
  for (const [key, value] of Object.entries(node)) {
    switch (key) {
      case '$schema':
      case '$comment':
        break;
      case 'additionalProperties':
        if (typeof value === 'object' && value !== null) out.additionalProperties = crdSchemaFromJsonSchema(value as Schema);
        break;
      case 'const':
        out.enum = [value];
        break;
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, crdSchemaFromJsonSchema(v)]),
        );
        break;
      case 'items':
        out.items = crdSchemaFromJsonSchema(value as Schema);
        break;
      case 'uniqueItems':
        if (value === true) out['x-kubernetes-list-type'] = 'set';
        break;
      case 'not':
        out.not = value;
        break;
      case 'anyOf':
      case 'oneOf':
        throw new Error(`a ${key} the API server cannot take as a structural schema: ${JSON.stringify(value).slice(0, 200)}`);
      default:
        out[key] = value;
    }
  }
  if (out.type === undefined) {
    const values = (out.enum as unknown[] | undefined) ?? [];
    const types = new Set(values.map(typeOfValue));
    if (types.size === 1) out.type = [...types][0];
    else if (out.properties) out.type = 'object';
    else if (!out['x-kubernetes-int-or-string']) throw new Error(`no type can be given to ${JSON.stringify(node).slice(0, 200)}`);
  }
  return out;
}

function mergeObjectBranches(node: Schema, branches: Schema[]): Schema {
  const properties: Record<string, Schema> = {};
  for (const branch of branches) {
    for (const [name, prop] of Object.entries((branch.properties ?? {}) as Record<string, Schema>)) {
      const had = properties[name];
      if (had === undefined) properties[name] = { ...prop };
      else if ((had.const !== undefined || had.enum) && (prop.const !== undefined || prop.enum)) {
        const values = new Set([...((had.enum as unknown[]) ?? [had.const]), ...((prop.enum as unknown[]) ?? [prop.const])]);
        properties[name] = { ...had, const: undefined, enum: [...values] };
        delete properties[name].const;
      }
    }
  }
  const required = branches.map((b) => new Set((b.required as string[]) ?? [])).reduce((a, b) => new Set([...a].filter((x) => b.has(x))));
  const rest = Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'oneOf'));
  return { ...rest, type: 'object', properties, ...(required.size > 0 ? { required: [...required] } : {}) };
}

/**
 * The OpenAPI v3 schema of a TypeScript type from the kubernetes-models declarations: the
 * properties and their types; a type met again below itself (recursive) or a union of
 * several object shapes keeps whatever it holds.
 */
export function crdSchemaFromType(checker: ts.TypeChecker, declared: ts.Type, seen: ReadonlySet<ts.Type> = new Set()): Schema {
  const type = checker.getNonNullableType(declared);
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { ...PRESERVE };
  if (type.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return { type: 'string' };
  if (type.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return { type: 'number' };
  if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
    const flags = parts.map((t) => t.flags);
    if (flags.every((f) => f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral))) {
      const literals = parts.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value);
      return literals.length === parts.length ? { type: 'string', enum: literals } : { type: 'string' };
    }
    if (flags.every((f) => f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral))) return { type: 'boolean' };
    if (flags.every((f) => f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral | ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)))
      return { 'x-kubernetes-int-or-string': true };
    return { ...PRESERVE };
  }
  if (seen.has(type)) return { type: checker.isArrayType(type) ? 'array' : 'object', ...PRESERVE };
  const below = new Set(seen).add(type);
  if (checker.isArrayType(type)) {
    const element = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
    return { type: 'array', items: element ? crdSchemaFromType(checker, element, below) : { ...PRESERVE } };
  }
  if (type.flags & ts.TypeFlags.Object) {
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
    if (props.length === 0 && index) return { type: 'object', additionalProperties: crdSchemaFromType(checker, index, below) };
    if (props.length === 0 || index) return { type: 'object', ...PRESERVE };
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const prop of props) {
      properties[prop.name] = crdSchemaFromType(checker, checker.getTypeOfSymbol(prop), below);
      if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.name);
    }
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  }
  return { ...PRESERVE };
}

/** The top level every CRD shares: apiVersion, kind, metadata (checked by the server itself), status. */
function topLevel(spec: CrdSpecOf, schema: Schema): Schema {
  const properties = { ...(schema.properties as Record<string, Schema>) };
  properties.apiVersion = { type: 'string' };
  properties.kind = { type: 'string' };
  properties.metadata = { type: 'object' };
  if (spec.status) properties.status = STATUS;
  else delete properties.status;
  const required = ((schema.required as string[] | undefined) ?? []).filter((r) => r !== 'apiVersion' && r !== 'kind' && r !== 'metadata');
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

export function customResourceDefinition(spec: CrdSpecOf, schema: Schema): Schema {
  const subresources: Schema = {};
  if (spec.status) subresources.status = {};
  if (spec.scale)
    subresources.scale = {
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.labelSelector',
    };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${spec.plural}.${spec.group}`, labels: { 'app.kubernetes.io/managed-by': 'mirrorlab-deploy-check' } },
    spec: {
      group: spec.group,
      scope: 'Namespaced',
      names: {
        kind: spec.kind,
        listKind: `${spec.kind}List`,
        plural: spec.plural,
        singular: spec.kind.toLowerCase(),
        ...(spec.shortNames ? { shortNames: spec.shortNames } : {}),
      },
      versions: [
        {
          name: spec.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: topLevel(spec, schema) },
          ...(Object.keys(subresources).length > 0 ? { subresources } : {}),
        },
      ],
    },
  };
}

/** Every CRD deploy/ needs, from ../schemas and the kubernetes-models declarations. */
export function projectCrds(catalog: FieldCatalog = FieldCatalog.load()): Schema[] {
  return CRD_KINDS.map((spec) => {
    const key = `${spec.group}/${spec.version}/${spec.kind}`;
    if (spec.handWritten) {
      const file = join(SCHEMA_DIR, `${spec.group}_${spec.version}_${spec.kind}.json`);
      return customResourceDefinition(spec, crdSchemaFromJsonSchema(JSON.parse(readFileSync(file, 'utf8')) as Schema));
    }
    const { checker, type } = catalog.declaredType(key);
    return customResourceDefinition(spec, crdSchemaFromType(checker, type));
  });
}
