import { resolve } from 'node:path';

/** The repository root: this file is tools/deploy-check/src/paths.ts. */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const DEPLOY_DIR = resolve(REPO_ROOT, 'deploy');
export const GRAFANA_DIR = resolve(REPO_ROOT, 'grafana');
export const DOCKERFILE = resolve(REPO_ROOT, 'Dockerfile');
export const DOCKERIGNORE = resolve(REPO_ROOT, '.dockerignore');
export const SCHEMA_DIR = resolve(__dirname, '../schemas');
export const INSTALL_TOOLS_SCRIPT = resolve(__dirname, '../install-tools.sh');
