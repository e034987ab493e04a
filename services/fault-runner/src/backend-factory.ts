import { defaultLabDir } from '@mirrorlab/lab';
import { ConfigError, type Logger } from '@mirrorlab/service-kit';
import type { FaultBackendName } from './config';
import type { FaultBackend } from './fault-backend';
import type { KafkaAdmins } from './kafka-admin';
import { LocalFaultBackend } from './local/local-backend';

export interface BackendSettings {
  backend: FaultBackendName;
  labDir: string | undefined;
  healTimeoutMs: number;
  admins: KafkaAdmins;
  logger: Logger;
}

/** The backend FAULT_BACKEND names. Only `local` exists yet; the Kubernetes one (Chaos Mesh objects) is planned. */
export function createFaultBackend(settings: BackendSettings): FaultBackend {
  switch (settings.backend) {
    case 'local':
      return new LocalFaultBackend({
        labDir: settings.labDir ?? defaultLabDir(),
        admins: settings.admins,
        healTimeoutMs: settings.healTimeoutMs,
        logger: settings.logger,
      });
    case 'kubernetes':
      throw new ConfigError([{ variable: 'FAULT_BACKEND', expected: 'local (the kubernetes backend is not implemented yet)', got: '"kubernetes"' }]);
  }
}
