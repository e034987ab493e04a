/**
 * One finding of a check: where (an object, file or path inside it) and what is wrong,
 * phrased so that the fix is obvious. Checks return lists of these; tests expect none.
 */
export interface Problem {
  where: string;
  message: string;
}

export const problem = (where: string, message: string): Problem => ({ where, message });

/** One line per problem, for test failure output. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.where}: ${p.message}`).join('\n');
}
