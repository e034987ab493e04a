/**
 * Checks of deploy/, grafana/ and the Dockerfile: schema validation of rendered manifests
 * and checks of intent. The tests beside these files run them against the repository.
 */
export { checkDockerfile, checkDockerignore } from './dockerfile-checks';
export { checkQueries, dashboardQueries, ruleQueries } from './grafana-checks';
export { findKustomizations, kustomizeBinary, renderKustomization, KUSTOMIZE_VERSION } from './kustomize';
export { checkPodSecurity, checkResources, checkServiceSelectors, checkUniqueNames } from './pod-checks';
export { formatProblems, type Problem } from './problem';
export { readPromql } from './promql';
export { checkRbac } from './rbac-checks';
export { ManifestValidator } from './schema-validation';
export { checkServices } from './service-checks';
export { SERVICES } from './service-contract';
export { checkMirrorMaker, checkServiceAddresses, checkStrimziClusters } from './sut-checks';
export { projectCrds, CRD_KINDS } from './crds';
