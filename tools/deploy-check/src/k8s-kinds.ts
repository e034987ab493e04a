/**
 * The kinds deploy/ may contain, each with the schema that validates it. Built-in kinds and
 * the Prometheus Operator's come from the kubernetes-models packages (validators generated
 * from the Kubernetes OpenAPI spec and the prometheus-operator CRDs); Strimzi and Chaos Mesh
 * have no such package, so their schemas are the hand-written ones in ../schemas.
 *
 * `KindTypes` also names each kind's TypeScript interface: strict-fields.ts reads these
 * types to find fields the schema does not know (the generated validators accept any).
 */
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { PrometheusRule, type IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor, type IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet, type IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Role, type IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding, type IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace, type INamespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim, type IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { ServiceAccount, type IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

/** A kubernetes-models class: constructing one and calling validate() throws on a schema error. */
export interface ModelClass {
  new (data: never): { validate(): void };
}

export const MODEL_KINDS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
};

/** Kinds validated by a hand-written JSON schema in ../schemas (file name: group_version_Kind.json). */
export const CRD_SCHEMA_KINDS = [
  'kafka.strimzi.io/v1/Kafka',
  'kafka.strimzi.io/v1/KafkaNodePool',
  'kafka.strimzi.io/v1/KafkaMirrorMaker2',
  'chaos-mesh.org/v1alpha1/PodChaos',
  'chaos-mesh.org/v1alpha1/NetworkChaos',
] as const;

/** Read by strict-fields.ts through the TypeScript compiler; never used as a value. */
export interface KindTypes {
  'v1/Namespace': INamespace;
  'v1/ServiceAccount': IServiceAccount;
  'v1/Service': IService;
  'v1/ConfigMap': IConfigMap;
  'v1/Secret': ISecret;
  'v1/PersistentVolumeClaim': IPersistentVolumeClaim;
  'apps/v1/Deployment': IDeployment;
  'apps/v1/StatefulSet': IStatefulSet;
  'autoscaling/v2/HorizontalPodAutoscaler': IHorizontalPodAutoscaler;
  'rbac.authorization.k8s.io/v1/Role': IRole;
  'rbac.authorization.k8s.io/v1/RoleBinding': IRoleBinding;
  'monitoring.coreos.com/v1/ServiceMonitor': IServiceMonitor;
  'monitoring.coreos.com/v1/PrometheusRule': IPrometheusRule;
  /** metadata of the CRD kinds, which their JSON schemas leave open. */
  'meta/v1/ObjectMeta': IObjectMeta;
}
