/**
 * A Stryker ignorer: no mutants inside a class that extends an error class. Their
 * bodies only assemble the message a learner reads (`super(\`…\`)`, `this.name = …`);
 * the specs pin the fields a program reads (status, reason, detail), never the prose,
 * so every mutant there would survive and say nothing. This replaces
 * `// Stryker disable` comments, which would clutter the reference solutions.
 */
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

interface ClassNode {
  readonly type: string;
  readonly superClass?: { readonly type: string; readonly name?: string } | null;
}

const ERROR_CLASS = /Error$/;

function extendsAnError(node: ClassNode): boolean {
  return (
    (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') &&
    node.superClass?.type === 'Identifier' &&
    ERROR_CLASS.test(node.superClass.name ?? '')
  );
}

export const IGNORER = 'error-classes';

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, IGNORER, {
    shouldIgnore(path: { node: ClassNode }) {
      return extendsAnError(path.node)
        ? 'the body of an error class only words its message'
        : undefined;
    },
  }),
];
