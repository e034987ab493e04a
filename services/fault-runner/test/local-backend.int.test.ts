/**
 * The local backend against the lab (the one tools/test-all.sh brings up): the FaultBackend
 * contract every backend meets (src/testing/backend-conformance.ts; the Kubernetes backend
 * meets it against a kube-apiserver in kubernetes-backend.k8s.test.ts). Two link faults, two
 * mechanisms: iptables rules in the lab's namespaces, and a Toxiproxy toxic.
 */
import { findLab } from '@mirrorlab/lab';
import { KafkaAdmins } from '../src/kafka-admin';
import { LocalFaultBackend } from '../src/local/local-backend';
import { describeFaultBackendConformance } from '../src/testing/backend-conformance';
import { faultOf } from '../src/testing/fault-of';
import { memoryLogger } from '../src/testing/fakes';

jest.setTimeout(120_000);

const lab = findLab();

describeFaultBackendConformance('local, the lab', {
  backend: () => {
    const { logger } = memoryLogger();
    const admins = new KafkaAdmins(
      { source: { brokers: lab.source.bootstrap.split(',') }, target: { brokers: lab.target.bootstrap.split(',') } },
      logger,
      10_000,
    );
    return new LocalFaultBackend({ labDir: lab.dir, admins, healTimeoutMs: 60_000, verifyTimeoutMs: 30_000, logger });
  },
  faults: [
    faultOf('network-partition', { faultId: 'conformance/f0' }),
    faultOf('latency', { faultId: 'conformance/f1', params: { latency: '20ms' } }),
  ],
});
