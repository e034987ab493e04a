import path from 'node:path';
import { findLab } from '@mirrorlab/lab';
import { describeBundleContract } from '@mirrorlab/service-kit/testing';

// The service follows the control topic as it starts, so the contract runs against the lab;
// SCENARIO_ID keeps it out of any scenario running on that lab meanwhile.
const lab = findLab();
describeBundleContract('consumer-groups', path.join(__dirname, '../dist/main.js'), {
  SOURCE_KAFKA_BROKERS: lab.source.bootstrap,
  TARGET_KAFKA_BROKERS: lab.target.bootstrap,
  CONTROL_KAFKA_BROKERS: lab.target.bootstrap,
  SCENARIO_ID: 'bundle-contract',
});
