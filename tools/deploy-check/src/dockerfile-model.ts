import { DockerfileParser, From, JSONInstruction, ModifiableInstruction, PropertyInstruction } from 'dockerfile-ast';

/** One instruction, reduced to what the checks look at. */
export interface DockerInstruction {
  keyword: string;
  /** Arguments after the flags, as written (`$VAR` not expanded). */
  args: string[];
  /** `--from=build` → { from: 'build' }. */
  flags: Record<string, string | null>;
  /** Exec-form strings (ENTRYPOINT ["node", ...]); empty for shell form. */
  json: string[];
  /** LABEL / ENV / ARG name=value pairs. */
  properties: Record<string, string | null>;
  line: number;
}

export interface DockerStage {
  /** `AS name`, if any. */
  name?: string;
  /** The FROM argument with the global ARG defaults substituted. */
  base: string;
  instructions: DockerInstruction[];
}

const substitute = (text: string, vars: Record<string, string>) =>
  text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, a: string | undefined, b: string | undefined) => vars[a ?? b ?? ''] ?? whole,
  );

/** Parses a Dockerfile (with dockerfile-ast, the parser of VS Code's Docker support) into stages. */
export function parseDockerfile(text: string): DockerStage[] {
  const dockerfile = DockerfileParser.parse(text);
  const globals: Record<string, string> = {};
  for (const arg of dockerfile.getInitialARGs()) {
    const p = arg.getProperty();
    if (p?.getValue() !== null && p?.getValue() !== undefined) globals[p.getName()] = p.getValue() as string;
  }
  const stages: DockerStage[] = [];
  for (const ins of dockerfile.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase();
    if (ins instanceof From) {
      const args = ins.getArguments().map((a) => a.getValue());
      stages.push({ name: ins.getBuildStage() ?? undefined, base: substitute(args[0] ?? '', globals), instructions: [] });
      continue;
    }
    const flags: Record<string, string | null> = {};
    if (ins instanceof ModifiableInstruction) for (const f of ins.getFlags()) flags[f.getName()] = f.getValue();
    const properties: Record<string, string | null> = {};
    if (ins instanceof PropertyInstruction) for (const p of ins.getProperties()) properties[p.getName()] = p.getValue();
    stages.at(-1)?.instructions.push({
      keyword,
      args: ins
        .getArguments()
        .map((a) => a.getValue())
        .filter((a) => !a.startsWith('--')),
      flags,
      json: ins instanceof JSONInstruction ? ins.getJSONStrings().map((j) => j.getJSONValue()) : [],
      properties,
      line: ins.getRange().start.line + 1,
    });
  }
  return stages;
}

/** A stage and the stages it is built FROM, nearest first, ending at the external image. */
export function stageChain(stages: readonly DockerStage[], name: string): DockerStage[] {
  const chain: DockerStage[] = [];
  let current = stages.find((s) => s.name === name);
  while (current && !chain.includes(current)) {
    chain.push(current);
    const base = current.base;
    current = stages.slice(0, stages.indexOf(current)).find((s) => s.name === base);
  }
  return chain;
}
