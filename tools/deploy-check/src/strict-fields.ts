import { resolve } from 'node:path';
import ts from 'typescript';

const KINDS_FILE = resolve(__dirname, 'k8s-kinds.ts');

/**
 * Finds fields a Kubernetes object has but its schema does not define: `readinesProbe`,
 * `envFrom[0].configMapref`. The OpenAPI-generated validators accept unknown fields (so does
 * the API server for built-in kinds, silently dropping them), which makes a typo a setting
 * that quietly does nothing. The field names come from the kubernetes-models type
 * declarations, which are generated from the same OpenAPI spec as the validators.
 */
export class FieldCatalog {
  private constructor(
    private readonly checker: ts.TypeChecker,
    private readonly kinds: ReadonlyMap<string, ts.Type>,
  ) {}

  /** Compiles k8s-kinds.ts (declarations only, about a second) and reads its `KindTypes`. */
  static load(file = KINDS_FILE): FieldCatalog {
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2023,
      module: ts.ModuleKind.Preserve,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    const decl = source?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'KindTypes');
    if (!decl) throw new Error(`${file} declares no interface KindTypes`);
    const kindTypes = checker.getTypeAtLocation(decl);
    const kinds = new Map<string, ts.Type>();
    for (const prop of checker.getPropertiesOfType(kindTypes)) kinds.set(prop.name, checker.getTypeOfSymbol(prop));
    return new FieldCatalog(checker, kinds);
  }

  /** The declared type of a kind, with the checker that reads it (crds.ts makes CRD schemas of them). */
  declaredType(kindKey: string): { checker: ts.TypeChecker; type: ts.Type } {
    const type = this.kinds.get(kindKey);
    if (!type) throw new Error(`no declared type for ${kindKey}`);
    return { checker: this.checker, type };
  }

  knows(kindKey: string): boolean {
    return this.kinds.has(kindKey);
  }

  /** JSON paths (`spec.template.spec.containers[0].readinesProbe`) of fields the kind does not define. */
  unknownFields(kindKey: string, value: unknown, basePath = ''): string[] {
    const type = this.kinds.get(kindKey);
    if (!type) throw new Error(`no field catalog for ${kindKey}`);
    const out: string[] = [];
    this.walk(value, type, basePath, out);
    return out;
  }

  private walk(value: unknown, declared: ts.Type, path: string, out: string[]): void {
    if (value === null || typeof value !== 'object') return;
    const type = this.objectPart(declared);
    if (!type) return;
    if (Array.isArray(value)) {
      const element = this.checker.getIndexTypeOfType(type, ts.IndexKind.Number);
      if (element) value.forEach((item, i) => this.walk(item, element, `${path}[${i}]`, out));
      return;
    }
    const stringIndex = this.checker.getIndexTypeOfType(type, ts.IndexKind.String);
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      const prop = this.checker.getPropertyOfType(type, key);
      if (prop) this.walk(child, this.checker.getTypeOfSymbol(prop), childPath, out);
      else if (stringIndex) this.walk(child, stringIndex, childPath, out);
      else out.push(childPath);
    }
  }

  /**
   * The object type to check a value against, or undefined when anything goes (any, unknown,
   * or a union of several object shapes, which the validators check instead).
   */
  private objectPart(declared: ts.Type): ts.Type | undefined {
    const type = this.checker.getNonNullableType(declared);
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    if (type.isUnion()) {
      const objects = type.types.filter((t) => t.flags & ts.TypeFlags.Object);
      return objects.length === 1 ? objects[0] : undefined;
    }
    return type.flags & ts.TypeFlags.Object ? type : undefined;
  }
}
