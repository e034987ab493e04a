import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeBundleContract } from '@mirrorlab/service-kit/testing';

// The contract needs no Kafka: the HTTP server answers while the control topic connects
// (against the lab when CONTROL_KAFKA_BROKERS is set, else an address nothing listens on).
describeBundleContract(
  'report-aggregator',
  path.join(__dirname, '../dist/main.js'),
  {
    CONTROL_KAFKA_BROKERS: process.env.CONTROL_KAFKA_BROKERS ?? '127.0.0.1:9',
    REPORTS_DIR: mkdtempSync(path.join(tmpdir(), 'report-aggregator-contract-')),
  },
  { api: { path: '/scenarios', status: 200 } },
);
