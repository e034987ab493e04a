import { readFileSync } from 'node:fs';
import { KUSTOMIZE_VERSION, kustomizeBinary } from './kustomize';
import { INSTALL_TOOLS_SCRIPT } from './paths';

describe('install-tools.sh', () => {
  it('installs the kustomize version the checks pin', () => {
    expect(readFileSync(INSTALL_TOOLS_SCRIPT, 'utf8')).toMatch(
      new RegExp(`^KUSTOMIZE_VERSION=${KUSTOMIZE_VERSION.replace(/\./g, '\\.')}\\b`, 'm'),
    );
  });

  it('has installed it (or MIRRORLAB_KUSTOMIZE points at it)', () => {
    expect(() => kustomizeBinary()).not.toThrow();
  });
});

describe('kustomizeBinary', () => {
  it('says how to install kustomize when it is missing', () => {
    expect(() => kustomizeBinary({ MIRRORLAB_KUSTOMIZE: '/nonexistent/kustomize' })).toThrow(
      /no kustomize at \/nonexistent\/kustomize; install it with: bash tools\/deploy-check\/install-tools\.sh/,
    );
  });
});
