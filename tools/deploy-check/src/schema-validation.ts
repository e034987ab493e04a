import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { CRD_SCHEMA_KINDS, MODEL_KINDS } from './k8s-kinds';
import { describeObject, kindKey, type K8sObject } from './k8s-object';
import { SCHEMA_DIR } from './paths';
import { problem, type Problem } from './problem';
import { FieldCatalog } from './strict-fields';

interface SchemaErrorLike {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const describeSchemaError = (e: SchemaErrorLike): string => {
  const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(object)';
  const extra =
    e.params && 'additionalProperty' in e.params
      ? ` (${String(e.params.additionalProperty)})`
      : e.params && 'allowedValues' in e.params
        ? ` (${JSON.stringify(e.params.allowedValues)})`
        : '';
  return `${at}: ${e.message ?? 'invalid'}${extra}`;
};

/** Runs a kubernetes-models validator; its ValidationError carries the ajv errors. */
function modelErrors(validate: () => void): SchemaErrorLike[] {
  try {
    validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: SchemaErrorLike[] }).errors;
    return errors ?? [{ message: String(err) }];
  }
}

/**
 * Validates rendered objects against their kind's schema, and reports fields the schema
 * does not define. A kind without a schema is itself a problem: nothing goes unchecked.
 */
export class ManifestValidator {
  private constructor(
    private readonly fields: FieldCatalog,
    private readonly crdSchemas: ReadonlyMap<string, ValidateFunction>,
  ) {}

  static load(): ManifestValidator {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const crdSchemas = new Map<string, ValidateFunction>();
    for (const key of CRD_SCHEMA_KINDS) {
      const [group, version, kind] = key.split('/');
      const schema: unknown = JSON.parse(readFileSync(join(SCHEMA_DIR, `${group}_${version}_${kind}.json`), 'utf8'));
      crdSchemas.set(key, ajv.compile(schema as object));
    }
    return new ManifestValidator(FieldCatalog.load(), crdSchemas);
  }

  /** The kinds this validator has a schema for. */
  kinds(): string[] {
    return [...Object.keys(MODEL_KINDS), ...this.crdSchemas.keys()];
  }

  validate(obj: K8sObject): Problem[] {
    const where = describeObject(obj);
    const key = kindKey(obj);
    const model = MODEL_KINDS[key];
    const crd = this.crdSchemas.get(key);
    if (model) {
      const errors = modelErrors(() => new model(obj as never).validate());
      const unknown = this.fields.unknownFields(key, obj).map((path) => `${path}: not a field of ${key}`);
      return [...errors.map(describeSchemaError), ...unknown].map((m) => problem(where, m));
    }
    if (crd) {
      const errors: ErrorObject[] = crd(obj) ? [] : (crd.errors ?? []);
      const metaErrors = modelErrors(() => new ObjectMeta(obj.metadata as never).validate()).map((e) => ({
        ...e,
        instancePath: `/metadata${e.instancePath ?? ''}`,
      }));
      const unknown = this.fields
        .unknownFields('meta/v1/ObjectMeta', obj.metadata, 'metadata')
        .map((path) => `${path}: not a field of ObjectMeta`);
      return [...errors.map(describeSchemaError), ...metaErrors.map(describeSchemaError), ...unknown].map((m) => problem(where, m));
    }
    return [problem(where, `no schema for ${key}: add the kind to src/k8s-kinds.ts (and a schema) before using it`)];
  }
}
